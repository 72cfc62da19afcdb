// Uploaded images (anything a user sends as a JPEG or PNG): sanitising never crashes, reads out of bounds or
// throws, and whatever it accepts is a complete image of the same format, within the limits, that sanitises
// again to an image of the same size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "imaging/image_sanitizer.h"

namespace {

using namespace shelfmark;

// Small limits keep each run fast and the memory low; the parsers see the same code paths.
imaging::ReencodingImageSanitizer& sanitizer() {
  static imaging::ReencodingImageSanitizer instance({.max_pixels = 1'000'000, .max_side = 4096, .max_in_flight = 1});
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto check = sanitizer().sanitize(input);
  const auto* image = std::get_if<app::CleanImage>(&check);
  if (!image) return 0;
  if (image->width <= 0 || image->height <= 0 || image->width > 4096 || image->height > 4096) std::abort();
  if (image->media_type != "image/jpeg" && image->media_type != "image/png") std::abort();
  if ((image->media_type == "image/png") != input.starts_with("\x89PNG")) std::abort();
  const auto again = sanitizer().sanitize(image->bytes);
  const auto* second = std::get_if<app::CleanImage>(&again);
  if (!second || second->width != image->width || second->height != image->height ||
      second->media_type != image->media_type)
    std::abort();
  return 0;
}
