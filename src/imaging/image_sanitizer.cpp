#include "imaging/image_sanitizer.h"

#include <png.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <variant>
#include <vector>

namespace shelfmark::imaging {
namespace {

using namespace std::string_view_literals;
using app::CleanImage;
using app::ImageCheck;
using app::ImageProblem;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1A\n"sv;
constexpr std::string_view kPngMagic = "\x89PNG"sv;  // enough to tell a damaged PNG from some other file
constexpr std::string_view kJpegMagic = "\xFF\xD8\xFF"sv;
constexpr int kJpegQuality = 85;

// Reads of big- or little-endian integers; every caller has checked that the bytes are there.
std::uint32_t byte_at(std::string_view bytes, std::size_t at) { return static_cast<unsigned char>(bytes[at]); }
std::uint32_t big_endian16(std::string_view bytes, std::size_t at) {
  return byte_at(bytes, at) << 8 | byte_at(bytes, at + 1);
}
std::uint32_t big_endian32(std::string_view bytes, std::size_t at) {
  return big_endian16(bytes, at) << 16 | big_endian16(bytes, at + 2);
}

struct Dimensions {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

bool within_limits(Dimensions size, const ImageLimits& limits) {
  const auto max_side = static_cast<std::uint64_t>(std::max(0, limits.max_side));
  return size.width <= max_side && size.height <= max_side &&
         std::uint64_t{size.width} * size.height <= limits.max_pixels;
}

// --- PNG ---------------------------------------------------------------------------------------------------

// Walks the chunks from the signature to IEND without decoding anything. Returns the IHDR dimensions, or why
// the file is refused. The signature has been checked by the caller.
std::variant<Dimensions, ImageProblem> walk_png(std::string_view png, const ImageLimits& limits) {
  std::size_t pos = kPngSignature.size();
  Dimensions size;
  for (bool first = true;; first = false) {
    // Each chunk: 4-byte length, 4-byte type, data, 4-byte CRC (checked by libpng for the chunks it reads).
    if (png.size() - pos < 12) return ImageProblem::kTruncatedOrCorrupt;
    const std::uint32_t length = big_endian32(png, pos);
    if (length > 0x7FFF'FFFF) return ImageProblem::kTruncatedOrCorrupt;  // the PNG specification's limit
    if (png.size() - pos - 12 < length) return ImageProblem::kTruncatedOrCorrupt;
    const auto type = png.substr(pos + 4, 4);
    const auto data = png.substr(pos + 8, length);
    pos += 12 + std::size_t{length};

    if (first != (type == "IHDR")) return ImageProblem::kTruncatedOrCorrupt;  // IHDR comes first, and once
    if (first) {
      if (length != 13) return ImageProblem::kTruncatedOrCorrupt;
      size = {big_endian32(data, 0), big_endian32(data, 4)};
      if (size.width == 0 || size.height == 0) return ImageProblem::kTruncatedOrCorrupt;
      // Refused here, before libpng allocates anything for the image.
      if (!within_limits(size, limits)) return ImageProblem::kTooManyPixels;
    }
    if (type == "IEND") {
      if (length != 0) return ImageProblem::kTruncatedOrCorrupt;
      return pos == png.size() ? std::variant<Dimensions, ImageProblem>(size) : ImageProblem::kTrailingData;
    }
  }
}

// Frees what png_image_begin_read_* or a failed write left allocated; harmless after a finished read or write.
struct PngImageFree {
  png_image& image;
  ~PngImageFree() { png_image_free(&image); }
};

ImageCheck reencode_png(std::string_view png) {
  // The simplified API reports errors through the return value and image.message; it does its setjmp inside
  // libpng, so no longjmp crosses our frames.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  PngImageFree free_read{image};
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) return ImageProblem::kTruncatedOrCorrupt;

  // 8-bit sRGB samples; colour and alpha only if the image has them, so a grey PNG stays grey and an opaque one
  // gains no alpha channel. Palette images come out as RGB or RGBA (with tRNS), 16-bit ones as 8-bit.
  const auto format = image.format & (PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA);
  image.format = format;
  const std::size_t width = image.width;
  const std::size_t height = image.height;
  std::vector<unsigned char> pixels(width * height * PNG_IMAGE_SAMPLE_CHANNELS(format));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) return ImageProblem::kTruncatedOrCorrupt;

  png_image out{};
  out.version = PNG_IMAGE_VERSION;
  out.width = image.width;
  out.height = image.height;
  out.format = format;
  // Zlib's fast setting: measured 130 ms instead of 833 ms for a 1600x1200 photo, for a file about half
  // again as large. The copy lives only until the application is decided; speed matters more than size.
  out.flags = PNG_IMAGE_FLAG_FAST;
  PngImageFree free_write{out};
  // A first guess at the compressed size; if it is too small libpng says how much is needed and we compress
  // again. Cheaper in memory than reserving the worst case (more than the raw pixels) every time.
  std::string encoded(pixels.size() / 2 + 1024, '\0');
  png_alloc_size_t encoded_size = encoded.size();
  if (!png_image_write_to_memory(&out, encoded.data(), &encoded_size, 0, pixels.data(), 0, nullptr)) {
    // Our own well-formed pixels fail to encode only when memory runs out.
    if (encoded_size <= encoded.size()) throw std::bad_alloc();
    std::string().swap(encoded);  // release the guess before taking the real size
    encoded.resize(encoded_size);
    png_image_free(&out);
    out.warning_or_error = 0;
    if (!png_image_write_to_memory(&out, encoded.data(), &encoded_size, 0, pixels.data(), 0, nullptr))
      throw std::bad_alloc();
  }
  encoded.resize(encoded_size);
  return CleanImage{"image/png", std::move(encoded), static_cast<int>(width), static_cast<int>(height)};
}

// --- JPEG --------------------------------------------------------------------------------------------------

struct JpegLayout {
  Dimensions size;
  int components = 0;   // 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
  int orientation = 1;  // EXIF orientation, 1-8; 1 when absent or unreadable
};

bool is_frame_marker(std::uint32_t marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}
bool is_restart_marker(std::uint32_t marker) { return marker >= 0xD0 && marker <= 0xD7; }

// The orientation tag (0x0112) of IFD0 in an EXIF TIFF structure. Anything unexpected means "no orientation":
// a broken EXIF block is not a reason to refuse a picture whose pixels are fine, and it is dropped anyway.
int exif_orientation(std::string_view tiff) {
  if (tiff.size() < 8) return 1;
  bool little_endian;
  if (tiff.starts_with("II*\0"sv))
    little_endian = true;
  else if (tiff.starts_with("MM\0*"sv))
    little_endian = false;
  else
    return 1;
  const auto read16 = [&](std::size_t at) {
    return little_endian ? byte_at(tiff, at) | byte_at(tiff, at + 1) << 8 : big_endian16(tiff, at);
  };
  const auto read32 = [&](std::size_t at) {
    return little_endian ? read16(at) | read16(at + 2) << 16 : big_endian32(tiff, at);
  };
  const std::size_t ifd = read32(4);
  if (ifd > tiff.size() || tiff.size() - ifd < 2) return 1;
  const std::size_t entries = read16(ifd);
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.size()) return 1;
    if (read16(entry) != 0x0112) continue;
    constexpr std::uint32_t kShort = 3;
    if (read16(entry + 2) != kShort || read32(entry + 4) != 1) return 1;
    const auto orientation = static_cast<int>(read16(entry + 8));  // a single SHORT sits at the value's start
    return orientation >= 1 && orientation <= 8 ? orientation : 1;
  }
  return 1;
}

// Walks markers, segments and entropy-coded scans from SOI to EOI without decoding. SOI has been checked by the
// caller.
std::variant<JpegLayout, ImageProblem> walk_jpeg(std::string_view jpeg, const ImageLimits& limits) {
  std::size_t pos = 2;
  JpegLayout layout;
  bool saw_frame = false, saw_scan = false, saw_exif = false;
  while (true) {
    // A marker: 0xFF, any number of 0xFF fill bytes, then the code.
    if (pos >= jpeg.size()) return ImageProblem::kTruncatedOrCorrupt;
    if (byte_at(jpeg, pos) != 0xFF) return ImageProblem::kTruncatedOrCorrupt;
    while (pos < jpeg.size() && byte_at(jpeg, pos) == 0xFF) ++pos;
    if (pos >= jpeg.size()) return ImageProblem::kTruncatedOrCorrupt;
    const auto marker = byte_at(jpeg, pos++);

    if (marker == 0xD9) {  // EOI
      if (!saw_scan) return ImageProblem::kTruncatedOrCorrupt;
      const auto rest = jpeg.substr(pos);
      // Zero padding is tolerated (some scanners write it); anything else is appended content.
      if (rest.find_first_not_of('\0') != std::string_view::npos) return ImageProblem::kTrailingData;
      return layout;
    }
    if (marker == 0xD8 || marker == 0x00) return ImageProblem::kTruncatedOrCorrupt;
    if (marker == 0x01 || is_restart_marker(marker)) continue;  // standalone markers have no length

    if (jpeg.size() - pos < 2) return ImageProblem::kTruncatedOrCorrupt;
    const std::size_t length = big_endian16(jpeg, pos);  // counts its own two bytes
    if (length < 2) return ImageProblem::kTruncatedOrCorrupt;
    if (jpeg.size() - pos < length) return ImageProblem::kTruncatedOrCorrupt;
    const auto segment = jpeg.substr(pos + 2, length - 2);
    pos += length;

    if (is_frame_marker(marker)) {
      // libjpeg refuses a second frame too; a height of 0 would need a DNL marker, which libjpeg-turbo lacks.
      if (saw_frame || segment.size() < 6) return ImageProblem::kTruncatedOrCorrupt;
      layout.size = {big_endian16(segment, 3), big_endian16(segment, 1)};
      layout.components = static_cast<int>(byte_at(segment, 5));
      if (layout.size.width == 0 || layout.size.height == 0) return ImageProblem::kTruncatedOrCorrupt;
      // Refused here, before the decoder allocates anything for the image.
      if (!within_limits(layout.size, limits)) return ImageProblem::kTooManyPixels;
      saw_frame = true;
    } else if (marker == 0xE1 && !saw_exif && segment.starts_with("Exif\0\0"sv)) {
      saw_exif = true;
      layout.orientation = exif_orientation(segment.substr(6));
    } else if (marker == 0xDA) {  // SOS: entropy-coded data follows, up to the next real marker
      if (!saw_frame) return ImageProblem::kTruncatedOrCorrupt;
      saw_scan = true;
      std::size_t at = pos;
      while (true) {
        at = jpeg.find('\xFF', at);
        if (at == std::string_view::npos) return ImageProblem::kTruncatedOrCorrupt;
        std::size_t code_at = at + 1;
        while (code_at < jpeg.size() && byte_at(jpeg, code_at) == 0xFF) ++code_at;  // fill, as libjpeg skips it
        if (code_at >= jpeg.size()) return ImageProblem::kTruncatedOrCorrupt;
        const auto code = byte_at(jpeg, code_at);
        // 0xFF00 is a stuffed 0xFF data byte; restart markers belong to the scan.
        if (code == 0x00 || is_restart_marker(code)) {
          at = code_at + 1;
          continue;
        }
        pos = at;  // a marker: the next scan's tables and SOS, or EOI
        break;
      }
    }
    // Every other segment (APPn, COM, DQT, DHT, DRI...) is skipped here: the decoder reads the tables it needs,
    // and the re-encoding leaves all of them behind.
  }
}

struct TjDestroy {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDestroy>;
struct TjFree {
  void operator()(unsigned char* buffer) const { tjFree(buffer); }
};

// CMYK as Adobe applications write it (and libjpeg-turbo's own tools assume): stored inverted, so 255 means no
// ink. Without the embedded ICC profile, which is dropped, the colours are an approximation.
std::vector<unsigned char> cmyk_to_rgb(const std::vector<unsigned char>& cmyk) {
  std::vector<unsigned char> rgb(cmyk.size() / 4 * 3);
  for (std::size_t from = 0, to = 0; from + 3 < cmyk.size(); from += 4, to += 3) {
    const unsigned k = cmyk[from + 3];
    for (int channel = 0; channel < 3; ++channel)
      rgb[to + channel] = static_cast<unsigned char>((cmyk[from + channel] * k + 127) / 255);
  }
  return rgb;
}

// Returns the pixels as they are meant to be shown, given the EXIF orientation (1-8); swaps width and height for
// the orientations that turn the picture by a quarter.
std::vector<unsigned char> apply_orientation(const std::vector<unsigned char>& pixels, std::size_t& width,
                                             std::size_t& height, std::size_t channels, int orientation) {
  const std::size_t w = width, h = height;
  const bool quarter_turn = orientation >= 5;
  const std::size_t out_w = quarter_turn ? h : w, out_h = quarter_turn ? w : h;
  std::vector<unsigned char> out(pixels.size());
  for (std::size_t y = 0; y < out_h; ++y) {
    for (std::size_t x = 0; x < out_w; ++x) {
      std::size_t from_x = x, from_y = y;
      switch (orientation) {
        case 2:
          from_x = w - 1 - x;
          break;  // mirrored left-right
        case 3:
          from_x = w - 1 - x, from_y = h - 1 - y;
          break;  // upside down
        case 4:
          from_y = h - 1 - y;
          break;  // mirrored top-bottom
        case 5:
          from_x = y, from_y = x;
          break;  // transposed
        case 6:
          from_x = y, from_y = h - 1 - x;
          break;  // needs a quarter turn clockwise
        case 7:
          from_x = w - 1 - y, from_y = h - 1 - x;
          break;  // transversed
        case 8:
          from_x = w - 1 - y, from_y = x;
          break;  // needs a quarter turn anticlockwise
        default:
          break;
      }
      std::copy_n(&pixels[(from_y * w + from_x) * channels], channels, &out[(y * out_w + x) * channels]);
    }
  }
  width = out_w;
  height = out_h;
  return out;
}

ImageCheck reencode_jpeg(std::string_view jpeg, const JpegLayout& layout) {
  // The pixel format follows the frame's components: TurboJPEG converts YCbCr (or RGB) to RGB and YCCK to CMYK,
  // but not CMYK to RGB, which is done here. Other component counts are not pictures libjpeg-turbo can convert.
  int pixel_format;
  switch (layout.components) {
    case 1:
      pixel_format = TJPF_GRAY;
      break;
    case 3:
      pixel_format = TJPF_RGB;
      break;
    case 4:
      pixel_format = TJPF_CMYK;
      break;
    default:
      return ImageProblem::kTruncatedOrCorrupt;
  }
  TjHandle decompressor(tjInitDecompress());
  if (!decompressor) throw std::bad_alloc();
  std::size_t width = layout.size.width, height = layout.size.height;
  std::vector<unsigned char> pixels(width * height * tjPixelSize[pixel_format]);
  // A truncated or damaged scan is only a warning to libjpeg, which finishes the picture in grey; TurboJPEG
  // still returns -1 for it, and any -1 is a refusal here. STOPONWARNING makes it stop at the first warning
  // instead of decoding the rest for nothing. LIMITSCANS refuses a progressive file with hundreds of tiny
  // scans (a CPU bomb).
  const auto* data = reinterpret_cast<const unsigned char*>(jpeg.data());
  if (tjDecompress2(decompressor.get(), data, jpeg.size(), pixels.data(), static_cast<int>(width), 0,
                    static_cast<int>(height), pixel_format, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0)
    return ImageProblem::kTruncatedOrCorrupt;
  decompressor.reset();

  if (pixel_format == TJPF_CMYK) {
    pixels = cmyk_to_rgb(pixels);
    pixel_format = TJPF_RGB;
  }
  if (layout.orientation != 1)
    pixels = apply_orientation(pixels, width, height, tjPixelSize[pixel_format], layout.orientation);

  TjHandle compressor(tjInitCompress());
  if (!compressor) throw std::bad_alloc();
  unsigned char* encoded = nullptr;
  unsigned long encoded_size = 0;
  const int subsampling = pixel_format == TJPF_GRAY ? TJSAMP_GRAY : TJSAMP_420;
  const int failed = tjCompress2(compressor.get(), pixels.data(), static_cast<int>(width), 0, static_cast<int>(height),
                                 pixel_format, &encoded, &encoded_size, subsampling, kJpegQuality, 0);
  std::unique_ptr<unsigned char, TjFree> owned(encoded);
  // Our own pixels fail to encode only when memory runs out.
  if (failed != 0) throw std::bad_alloc();
  return CleanImage{"image/jpeg", std::string(reinterpret_cast<const char*>(encoded), encoded_size),
                    static_cast<int>(width), static_cast<int>(height)};
}

}  // namespace

class ReencodingImageSanitizer::Slot {
 public:
  explicit Slot(ReencodingImageSanitizer& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    ++owner_.waiting_;
    owner_.available_.wait(lock, [&] { return owner_.in_flight_ < owner_.limits_.max_in_flight; });
    --owner_.waiting_;
    ++owner_.in_flight_;
  }
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.in_flight_;
    }
    owner_.available_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  ReencodingImageSanitizer& owner_;
};

ReencodingImageSanitizer::ReencodingImageSanitizer(ImageLimits limits) : limits_(limits) {
  limits_.max_in_flight = std::max(1, limits_.max_in_flight);
}

ReencodingImageSanitizer::SlotCounts ReencodingImageSanitizer::slot_counts() const {
  std::lock_guard lock(mutex_);
  return {in_flight_, waiting_};
}

app::ImageCheck ReencodingImageSanitizer::sanitize(std::string_view bytes) {
  if (bytes.empty()) return ImageProblem::kEmpty;
  // The container walks are cheap and allocate nothing, so they run before waiting for a slot.
  if (bytes.starts_with(kPngMagic)) {
    // A short or altered signature (say, line endings converted in transfer) is a damaged PNG.
    if (!bytes.starts_with(kPngSignature)) return ImageProblem::kTruncatedOrCorrupt;
    const auto walked = walk_png(bytes, limits_);
    if (const auto* problem = std::get_if<ImageProblem>(&walked)) return *problem;
    Slot slot(*this);
    if (slot_observer_) slot_observer_();
    return reencode_png(bytes);
  }
  if (bytes.starts_with(kJpegMagic)) {
    const auto walked = walk_jpeg(bytes, limits_);
    if (const auto* problem = std::get_if<ImageProblem>(&walked)) return *problem;
    Slot slot(*this);
    if (slot_observer_) slot_observer_();
    return reencode_jpeg(bytes, std::get<JpegLayout>(walked));
  }
  return ImageProblem::kNotJpegOrPng;
}

}  // namespace shelfmark::imaging
