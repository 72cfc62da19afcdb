#include "imaging/image_sanitizer.h"

#include <gtest/gtest.h>
#include <png.h>
#include <turbojpeg.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace shelfmark::imaging {
namespace {

using namespace std::string_literals;
using app::CleanImage;
using app::ImageProblem;

struct Rgb {
  int r, g, b;
};
constexpr Rgb kRed{255, 0, 0}, kGreen{0, 255, 0}, kBlue{0, 0, 255}, kWhite{255, 255, 255};

// --- Making inputs -----------------------------------------------------------------------------------------

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFF;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320 & (0 - (crc & 1)));
  }
  return ~crc;
}

std::string big_endian32(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}
std::string big_endian16(unsigned value) { return {static_cast<char>(value >> 8), static_cast<char>(value)}; }
std::string little_endian16(unsigned value) { return {static_cast<char>(value), static_cast<char>(value >> 8)}; }
std::string little_endian32(std::uint32_t value) {
  return little_endian16(value & 0xFFFF) + little_endian16(value >> 16);
}

std::string png_chunk(const std::string& type, const std::string& data) {
  return big_endian32(static_cast<std::uint32_t>(data.size())) + type + data + big_endian32(crc32(type + data));
}

// Channels per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
std::string make_png(int width, int height, int channels, const std::function<std::uint8_t(int, int, int)>& sample) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) pixels[(y * width + x) * channels + c] = sample(x, y, c);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = channels == 1   ? PNG_FORMAT_GRAY
                 : channels == 2 ? PNG_FORMAT_GA
                 : channels == 3 ? PNG_FORMAT_RGB
                                 : PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_get_memory_size(image, size, 0, pixels.data(), 0, nullptr));
  std::string out(size, '\0');
  EXPECT_TRUE(png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

std::string gradient_png(int width, int height, int channels) {
  return make_png(width, height, channels,
                  [](int x, int y, int c) { return static_cast<std::uint8_t>(x * 7 + y * 3 + c * 50); });
}

struct DecodedPng {
  bool ok = false;
  int width = 0, height = 0;
  png_uint_32 format = 0;
  std::vector<std::uint8_t> pixels;  // in the file's own format (grey, GA, RGB or RGBA)
};
DecodedPng decode_png(const std::string& bytes) {
  DecodedPng decoded;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return decoded;
  image.format &= PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;
  decoded.pixels.resize(PNG_IMAGE_SIZE(image));
  decoded.ok = png_image_finish_read(&image, nullptr, decoded.pixels.data(), 0, nullptr) != 0;
  decoded.width = image.width;
  decoded.height = image.height;
  decoded.format = image.format;
  return decoded;
}

std::string make_jpeg(int width, int height, int pixel_format, const std::function<Rgb(int, int)>& colour) {
  const int channels = tjPixelSize[pixel_format];
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto [r, g, b] = colour(x, y);
      auto* pixel = &pixels[(y * width + x) * channels];
      if (pixel_format == TJPF_GRAY) {
        pixel[0] = static_cast<unsigned char>((r + g + b) / 3);
      } else if (pixel_format == TJPF_CMYK) {  // inverted, as Adobe writes it: 255 means no ink
        const int k = 255 - std::max({r, g, b});
        const auto ink = [&](int v) { return k == 255 ? 0 : (255 - v - k) * 255 / (255 - k); };
        pixel[0] = 255 - ink(r), pixel[1] = 255 - ink(g), pixel[2] = 255 - ink(b), pixel[3] = 255 - k;
      } else {
        pixel[0] = r, pixel[1] = g, pixel[2] = b;
      }
    }
  tjhandle compressor = tjInitCompress();
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const int subsampling = pixel_format == TJPF_GRAY ? TJSAMP_GRAY : TJSAMP_444;
  EXPECT_EQ(tjCompress2(compressor, pixels.data(), width, 0, height, pixel_format, &buffer, &size, subsampling, 95, 0),
            0);
  std::string out(reinterpret_cast<char*>(buffer), size);
  tjFree(buffer);
  tjDestroy(compressor);
  return out;
}

std::string gradient_jpeg(int width, int height, int pixel_format = TJPF_RGB) {
  return make_jpeg(width, height, pixel_format, [](int x, int y) { return Rgb{x * 5 % 256, y * 3 % 256, 128}; });
}

// Four solid quadrants: top left red, top right green, bottom left blue, bottom right white.
std::string quadrant_jpeg(int width, int height) {
  return make_jpeg(width, height, TJPF_RGB, [&](int x, int y) {
    const bool right = x >= width / 2, bottom = y >= height / 2;
    return bottom ? (right ? kWhite : kBlue) : (right ? kGreen : kRed);
  });
}

struct DecodedJpeg {
  bool ok = false;
  int width = 0, height = 0, subsampling = -1, colourspace = -1;
  std::vector<unsigned char> rgb;
  Rgb at(int x, int y) const {
    const auto* pixel = &rgb[(y * width + x) * 3];
    return {pixel[0], pixel[1], pixel[2]};
  }
};
DecodedJpeg decode_jpeg(const std::string& bytes) {
  DecodedJpeg decoded;
  tjhandle decompressor = tjInitDecompress();
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (tjDecompressHeader3(decompressor, data, bytes.size(), &decoded.width, &decoded.height, &decoded.subsampling,
                          &decoded.colourspace) == 0) {
    decoded.rgb.resize(static_cast<std::size_t>(decoded.width) * decoded.height * 3);
    decoded.ok = tjDecompress2(decompressor, data, bytes.size(), decoded.rgb.data(), decoded.width, 0, decoded.height,
                               TJPF_RGB, TJFLAG_STOPONWARNING) == 0;
  }
  tjDestroy(decompressor);
  return decoded;
}

std::string jpeg_segment(unsigned marker, const std::string& payload) {
  return "\xFF"s + static_cast<char>(marker) + big_endian16(static_cast<unsigned>(payload.size() + 2)) + payload;
}

std::string insert_after_soi(const std::string& jpeg, const std::string& segments) {
  return jpeg.substr(0, 2) + segments + jpeg.substr(2);
}

// An APP1 EXIF segment: IFD0 with the orientation and, if a marker is given, a pointer to a GPS IFD holding the
// latitude reference and a GPSProcessingMethod string containing the marker.
std::string exif_segment(int orientation, bool little_endian, const std::string& gps_marker = "") {
  const auto u16 = little_endian ? little_endian16 : big_endian16;
  const auto u32 = little_endian ? little_endian32 : big_endian32;
  const bool gps = !gps_marker.empty();
  std::string tiff = little_endian ? "II*\0"s : "MM\0*"s;
  tiff += u32(8);
  const std::uint32_t ifd0_size = 2 + 12 * (gps ? 2 : 1) + 4;
  tiff += u16(gps ? 2 : 1);
  tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0);
  const std::uint32_t gps_ifd = 8 + ifd0_size;
  if (gps) tiff += u16(0x8825) + u16(4) + u32(1) + u32(gps_ifd);
  tiff += u32(0);  // no IFD1
  if (gps) {
    const std::uint32_t method_at = gps_ifd + 2 + 12 * 2 + 4;
    const std::string method = "ASCII\0\0\0"s + gps_marker;
    tiff += u16(2);
    tiff += u16(0x0001) + u16(2) + u32(2) + "N\0\0\0"s;  // GPSLatitudeRef
    tiff += u16(0x001B) + u16(7) + u32(static_cast<std::uint32_t>(method.size())) + u32(method_at);
    tiff += u32(0);
    tiff += method;
  }
  return jpeg_segment(0xE1, "Exif\0\0"s + tiff);
}

std::string zip_bytes() { return "PK\x03\x04\x14\x00\x00\x00\x08\x00secret.txt hidden payload PK\x05\x06"s; }

// --- Checking outputs --------------------------------------------------------------------------------------

// By value: the check passed in is usually a temporary.
CleanImage clean(const app::ImageCheck& check) {
  EXPECT_TRUE(std::holds_alternative<CleanImage>(check))
      << "refused with problem " << static_cast<int>(std::get<ImageProblem>(check));
  const auto* image = std::get_if<CleanImage>(&check);
  return image ? *image : CleanImage{};
}

ImageProblem problem(const app::ImageCheck& check) {
  EXPECT_TRUE(std::holds_alternative<ImageProblem>(check)) << "accepted";
  const auto* found = std::get_if<ImageProblem>(&check);
  return found ? *found : ImageProblem::kEmpty;
}

void expect_near(Rgb actual, Rgb expected, const std::string& where) {
  constexpr int kTolerance = 40;  // JPEG is lossy, and chroma is halved at 4:2:0
  EXPECT_NEAR(actual.r, expected.r, kTolerance) << where;
  EXPECT_NEAR(actual.g, expected.g, kTolerance) << where;
  EXPECT_NEAR(actual.b, expected.b, kTolerance) << where;
}

bool has_jpeg_segment(const std::string& jpeg, unsigned char marker) {
  // Segments before the first SOS; enough for the metadata markers the encoder would write.
  std::size_t pos = 2;
  while (pos + 4 <= jpeg.size() && static_cast<unsigned char>(jpeg[pos]) == 0xFF) {
    const auto code = static_cast<unsigned char>(jpeg[pos + 1]);
    if (code == marker) return true;
    if (code == 0xDA) return false;
    pos += 2 + (static_cast<unsigned char>(jpeg[pos + 2]) << 8 | static_cast<unsigned char>(jpeg[pos + 3]));
  }
  return false;
}

std::vector<std::string> png_chunk_types(const std::string& png) {
  std::vector<std::string> types;
  for (std::size_t pos = 8; pos + 12 <= png.size();) {
    const std::uint32_t length =
        static_cast<unsigned char>(png[pos]) << 24 | static_cast<unsigned char>(png[pos + 1]) << 16 |
        static_cast<unsigned char>(png[pos + 2]) << 8 | static_cast<unsigned char>(png[pos + 3]);
    types.push_back(png.substr(pos + 4, 4));
    pos += 12 + length;
  }
  return types;
}

// --- PNG ---------------------------------------------------------------------------------------------------

TEST(ImageSanitizerTest, ValidPngComesBackDecodableWithTheSameSizeAndPixels) {
  ReencodingImageSanitizer sanitizer;
  const auto input = gradient_png(30, 17, 3);
  const auto image = clean(sanitizer.sanitize(input));
  EXPECT_EQ(image.media_type, "image/png");
  EXPECT_EQ(image.width, 30);
  EXPECT_EQ(image.height, 17);
  const auto decoded = decode_png(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.width, 30);
  EXPECT_EQ(decoded.height, 17);
  EXPECT_EQ(decoded.format, PNG_FORMAT_RGB);            // no alpha channel added
  EXPECT_EQ(decoded.pixels, decode_png(input).pixels);  // lossless
}

TEST(ImageSanitizerTest, IncompressiblePngIsStillEncodedLosslessly) {
  // Noise compresses to more than the first guess at the output size, so the encoder has to be run again.
  ReencodingImageSanitizer sanitizer;
  std::uint32_t state = 12345;
  const auto input = make_png(64, 64, 3, [&](int, int, int) {
    state = state * 1664525 + 1013904223;
    return static_cast<std::uint8_t>(state >> 24);
  });
  ASSERT_GT(input.size(), 64u * 64 * 3 / 2);
  const auto image = clean(sanitizer.sanitize(input));
  const auto decoded = decode_png(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.pixels, decode_png(input).pixels);
}

TEST(ImageSanitizerTest, PngAlphaIsKept) {
  ReencodingImageSanitizer sanitizer;
  const auto input =
      make_png(8, 8, 4, [](int x, int y, int c) { return static_cast<std::uint8_t>(c == 3 ? x * 30 : 200); });
  const auto decoded = decode_png(clean(sanitizer.sanitize(input)).bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.format, PNG_FORMAT_RGBA);
  EXPECT_EQ(decoded.pixels, decode_png(input).pixels);
  EXPECT_EQ(decoded.pixels[3], 0);            // first pixel fully transparent
  EXPECT_EQ(decoded.pixels[7 * 4 + 3], 210);  // last of the first row mostly opaque
}

TEST(ImageSanitizerTest, GreyPngStaysGrey) {
  ReencodingImageSanitizer sanitizer;
  const auto decoded = decode_png(clean(sanitizer.sanitize(gradient_png(9, 5, 1))).bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.format, PNG_FORMAT_GRAY);
}

TEST(ImageSanitizerTest, PngTextAndOtherMetadataChunksAreDropped) {
  ReencodingImageSanitizer sanitizer;
  const auto plain = gradient_png(6, 6, 3);
  const auto ihdr_end = 8 + 25;
  const auto input = plain.substr(0, ihdr_end) + png_chunk("tEXt", "Comment\0SECRET-PNG-MARKER"s) +
                     png_chunk("eXIf", "MM\0*SECRET-PNG-MARKER"s) + plain.substr(ihdr_end);
  ASSERT_TRUE(decode_png(input).ok);
  const auto image = clean(sanitizer.sanitize(input));
  EXPECT_EQ(image.bytes.find("SECRET-PNG-MARKER"), std::string::npos);
  for (const auto& type : png_chunk_types(image.bytes))
    EXPECT_TRUE(type == "IHDR" || type == "IDAT" || type == "IEND" || type == "sRGB") << type;
}

TEST(ImageSanitizerTest, PngWithZipAppendedIsTrailingData) {
  ReencodingImageSanitizer sanitizer;
  EXPECT_EQ(problem(sanitizer.sanitize(gradient_png(10, 10, 3) + zip_bytes())), ImageProblem::kTrailingData);
  EXPECT_EQ(problem(sanitizer.sanitize(gradient_png(10, 10, 3) + "\0"s)), ImageProblem::kTrailingData);
}

TEST(ImageSanitizerTest, TruncatedPngIsRefused) {
  ReencodingImageSanitizer sanitizer;
  const auto png = gradient_png(40, 40, 3);
  EXPECT_EQ(problem(sanitizer.sanitize(png.substr(0, png.size() / 2))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize(png.substr(0, png.size() - 12))), ImageProblem::kTruncatedOrCorrupt);  // no IEND
  EXPECT_EQ(problem(sanitizer.sanitize(png.substr(0, 5))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize(png.substr(0, 8))), ImageProblem::kTruncatedOrCorrupt);
}

TEST(ImageSanitizerTest, PngWithDamagedPixelDataIsRefused) {
  ReencodingImageSanitizer sanitizer;
  const auto plain = gradient_png(40, 40, 3);
  const auto idat = plain.find("IDAT") - 4;
  ASSERT_EQ(png_chunk_types(plain).back(), "IEND");
  // An IDAT whose zlib stream stops early, with a correct CRC and a proper IEND after it.
  const auto idat_length = static_cast<std::size_t>(static_cast<unsigned char>(plain[idat + 2])) << 8 |
                           static_cast<unsigned char>(plain[idat + 3]);
  const auto short_idat = png_chunk("IDAT", plain.substr(idat + 8, idat_length / 2));
  const auto input = plain.substr(0, idat) + short_idat + png_chunk("IEND", "");
  EXPECT_EQ(problem(sanitizer.sanitize(input)), ImageProblem::kTruncatedOrCorrupt);
}

TEST(ImageSanitizerTest, PngClaimingHugeDimensionsIsRefusedBeforeDecoding) {
  ReencodingImageSanitizer sanitizer;
  const auto ihdr = [](std::uint32_t width, std::uint32_t height) {
    return png_chunk("IHDR", big_endian32(width) + big_endian32(height) + "\x08\x02\x00\x00\x00"s);
  };
  const auto signature = "\x89PNG\r\n\x1A\n"s;
  const auto tail = png_chunk("IDAT", "\x78\x9C\x03\x00\x00\x00\x00\x01"s) + png_chunk("IEND", "");
  EXPECT_EQ(problem(sanitizer.sanitize(signature + ihdr(100000, 100000) + tail)), ImageProblem::kTooManyPixels);
  EXPECT_EQ(problem(sanitizer.sanitize(signature + ihdr(100000, 100000))), ImageProblem::kTooManyPixels);
  EXPECT_EQ(problem(sanitizer.sanitize(signature + ihdr(12001, 10) + tail)), ImageProblem::kTooManyPixels);
  EXPECT_EQ(problem(sanitizer.sanitize(signature + ihdr(10, 12001) + tail)), ImageProblem::kTooManyPixels);
  ReencodingImageSanitizer small({.max_pixels = 100, .max_side = 50});
  EXPECT_EQ(problem(small.sanitize(gradient_png(11, 10, 3))), ImageProblem::kTooManyPixels);
  clean(small.sanitize(gradient_png(10, 10, 3)));
}

// Hardening issue, item 11: a 36-megapixel image took 0.9 s to decode and encode again; the default limits stop
// it at the header, and still let through the largest photo or scan an applicant is likely to send.
TEST(ImageSanitizerTest, DefaultLimitsRefuseA36MegapixelHeaderBeforeDecoding) {
  ReencodingImageSanitizer sanitizer;
  std::atomic<int> decodes{0};
  sanitizer.set_slot_observer_for_testing([&] { ++decodes; });
  const auto signature = "\x89PNG\r\n\x1A\n"s;
  const auto png_of = [&](std::uint32_t width, std::uint32_t height) {
    return signature + png_chunk("IHDR", big_endian32(width) + big_endian32(height) + "\x08\x02\x00\x00\x00"s) +
           png_chunk("IDAT", "\x78\x9C\x03\x00\x00\x00\x00\x01"s) + png_chunk("IEND", "");
  };
  EXPECT_EQ(problem(sanitizer.sanitize(png_of(6000, 6000))), ImageProblem::kTooManyPixels);
  EXPECT_EQ(problem(sanitizer.sanitize(png_of(8001, 100))), ImageProblem::kTooManyPixels);
  EXPECT_EQ(decodes.load(), 0);
  // A JPEG whose frame header says 6000 x 6000.
  auto jpeg = gradient_jpeg(16, 16);
  const auto sof = jpeg.find("\xFF\xC0"s);
  ASSERT_NE(sof, std::string::npos);
  jpeg.replace(sof + 5, 4, "\x17\x70\x17\x70"s);  // height, width: 6000 each
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg)), ImageProblem::kTooManyPixels);
  EXPECT_EQ(decodes.load(), 0);
  // The sizes of a 24-megapixel phone photo and of an A4 page scanned at 400 dpi get past the header (and
  // fail here only for want of pixels).
  EXPECT_EQ(problem(sanitizer.sanitize(png_of(5712, 4284))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize(png_of(3307, 4677))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(decodes.load(), 2);
}

// --- JPEG --------------------------------------------------------------------------------------------------

TEST(ImageSanitizerTest, ValidJpegComesBackDecodableWithTheSameSize) {
  ReencodingImageSanitizer sanitizer;
  const auto image = clean(sanitizer.sanitize(gradient_jpeg(33, 21)));
  EXPECT_EQ(image.media_type, "image/jpeg");
  EXPECT_EQ(image.width, 33);
  EXPECT_EQ(image.height, 21);
  const auto decoded = decode_jpeg(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.width, 33);
  EXPECT_EQ(decoded.height, 21);
  EXPECT_EQ(decoded.subsampling, TJSAMP_420);
  EXPECT_EQ(decoded.colourspace, TJCS_YCbCr);
}

TEST(ImageSanitizerTest, JpegExifWithGpsIsDropped) {
  ReencodingImageSanitizer sanitizer;
  const auto input = insert_after_soi(gradient_jpeg(16, 16), exif_segment(1, false, "SECRET-GPS-MARKER"));
  ASSERT_NE(input.find("SECRET-GPS-MARKER"), std::string::npos);
  ASSERT_TRUE(decode_jpeg(input).ok);
  const auto image = clean(sanitizer.sanitize(input));
  EXPECT_EQ(image.bytes.find("SECRET-GPS-MARKER"), std::string::npos);
  EXPECT_EQ(image.bytes.find("Exif"), std::string::npos);
  EXPECT_FALSE(has_jpeg_segment(image.bytes, 0xE1));
  EXPECT_EQ(image.width, 16);
}

TEST(ImageSanitizerTest, JpegCommentsAndOtherApplicationSegmentsAreDropped) {
  ReencodingImageSanitizer sanitizer;
  const auto input =
      insert_after_soi(gradient_jpeg(16, 16),
                       jpeg_segment(0xFE, "SECRET-COMMENT-MARKER") +
                           jpeg_segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>SECRET-XMP</x:xmpmeta>"s) +
                           jpeg_segment(0xED, "Photoshop 3.0\0SECRET-IPTC"s));
  const auto image = clean(sanitizer.sanitize(input));
  EXPECT_EQ(image.bytes.find("SECRET"), std::string::npos);
  EXPECT_FALSE(has_jpeg_segment(image.bytes, 0xFE));
  EXPECT_FALSE(has_jpeg_segment(image.bytes, 0xED));
}

TEST(ImageSanitizerTest, JpegOrientationSixTurnsTheImage) {
  ReencodingImageSanitizer sanitizer;
  const auto input = insert_after_soi(quadrant_jpeg(40, 20), exif_segment(6, false, "SECRET-GPS-MARKER"));
  const auto image = clean(sanitizer.sanitize(input));
  EXPECT_EQ(image.width, 20);
  EXPECT_EQ(image.height, 40);
  const auto decoded = decode_jpeg(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.width, 20);
  EXPECT_EQ(decoded.height, 40);
  // Turned a quarter clockwise: the left column (red over blue) becomes the top row, blue on the left.
  expect_near(decoded.at(5, 5), kBlue, "top left");
  expect_near(decoded.at(15, 5), kRed, "top right");
  expect_near(decoded.at(5, 35), kWhite, "bottom left");
  expect_near(decoded.at(15, 35), kGreen, "bottom right");
}

TEST(ImageSanitizerTest, EveryJpegOrientationIsApplied) {
  ReencodingImageSanitizer sanitizer;
  struct Case {
    int orientation;
    std::array<Rgb, 4> corners;  // expected top left, top right, bottom left, bottom right
  };
  const Case cases[] = {
      {1, {kRed, kGreen, kBlue, kWhite}}, {2, {kGreen, kRed, kWhite, kBlue}}, {3, {kWhite, kBlue, kGreen, kRed}},
      {4, {kBlue, kWhite, kRed, kGreen}}, {5, {kRed, kBlue, kGreen, kWhite}}, {6, {kBlue, kRed, kWhite, kGreen}},
      {7, {kWhite, kGreen, kBlue, kRed}}, {8, {kGreen, kWhite, kRed, kBlue}},
  };
  for (const auto& [orientation, corners] : cases) {
    for (bool little_endian : {false, true}) {
      const auto where = "orientation " + std::to_string(orientation) + (little_endian ? " II" : " MM");
      const auto image =
          clean(sanitizer.sanitize(insert_after_soi(quadrant_jpeg(48, 32), exif_segment(orientation, little_endian))));
      const auto decoded = decode_jpeg(image.bytes);
      ASSERT_TRUE(decoded.ok) << where;
      const bool turned = orientation >= 5;
      ASSERT_EQ(decoded.width, turned ? 32 : 48) << where;
      ASSERT_EQ(decoded.height, turned ? 48 : 32) << where;
      const int right = decoded.width - 6, bottom = decoded.height - 6;
      expect_near(decoded.at(5, 5), corners[0], where + " top left");
      expect_near(decoded.at(right, 5), corners[1], where + " top right");
      expect_near(decoded.at(5, bottom), corners[2], where + " bottom left");
      expect_near(decoded.at(right, bottom), corners[3], where + " bottom right");
    }
  }
}

TEST(ImageSanitizerTest, UnreadableOrientationIsIgnored) {
  ReencodingImageSanitizer sanitizer;
  for (int orientation : {0, 9, 0xFFFF}) {
    const auto image =
        clean(sanitizer.sanitize(insert_after_soi(quadrant_jpeg(40, 20), exif_segment(orientation, true))));
    EXPECT_EQ(image.width, 40);
  }
  // An IFD offset far outside the segment, and an entry count running past its end.
  const auto bad_offset = jpeg_segment(0xE1, "Exif\0\0MM\0*\x7F\xFF\xFF\xFF"s);
  EXPECT_EQ(clean(sanitizer.sanitize(insert_after_soi(quadrant_jpeg(40, 20), bad_offset))).width, 40);
  const auto bad_count = jpeg_segment(0xE1, "Exif\0\0MM\0*\0\0\0\x08\xFF\xFF\x01\x12"s);
  EXPECT_EQ(clean(sanitizer.sanitize(insert_after_soi(quadrant_jpeg(40, 20), bad_count))).width, 40);
}

TEST(ImageSanitizerTest, GreyscaleJpegStaysGreyscale) {
  ReencodingImageSanitizer sanitizer;
  const auto image = clean(sanitizer.sanitize(gradient_jpeg(25, 14, TJPF_GRAY)));
  const auto decoded = decode_jpeg(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.colourspace, TJCS_GRAY);
  EXPECT_EQ(decoded.subsampling, TJSAMP_GRAY);
  EXPECT_EQ(decoded.width, 25);
  EXPECT_EQ(decoded.height, 14);
}

TEST(ImageSanitizerTest, CmykJpegBecomesRgb) {
  ReencodingImageSanitizer sanitizer;
  const auto input = make_jpeg(32, 32, TJPF_CMYK, [](int x, int y) { return y < 16 ? kRed : kBlue; });
  const auto image = clean(sanitizer.sanitize(input));
  const auto decoded = decode_jpeg(image.bytes);
  ASSERT_TRUE(decoded.ok);
  EXPECT_EQ(decoded.colourspace, TJCS_YCbCr);
  expect_near(decoded.at(8, 4), kRed, "top");
  expect_near(decoded.at(8, 28), kBlue, "bottom");
}

TEST(ImageSanitizerTest, TruncatedJpegIsRefused) {
  ReencodingImageSanitizer sanitizer;
  const auto jpeg = gradient_jpeg(40, 40);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, jpeg.size() / 2))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, jpeg.size() - 2))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, 3))), ImageProblem::kTruncatedOrCorrupt);
  EXPECT_EQ(problem(sanitizer.sanitize("\xFF\xD8\xFF\xD9"s)), ImageProblem::kTruncatedOrCorrupt);  // no image
}

TEST(ImageSanitizerTest, EveryPrefixOfAnImageIsTruncated) {
  ReencodingImageSanitizer sanitizer;
  const auto jpeg = insert_after_soi(gradient_jpeg(16, 16), exif_segment(6, true, "GPS"));
  for (std::size_t length = 3; length < jpeg.size(); ++length)
    ASSERT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, length))), ImageProblem::kTruncatedOrCorrupt) << length;
  const auto png = gradient_png(16, 16, 4);
  for (std::size_t length = 4; length < png.size(); ++length)
    ASSERT_EQ(problem(sanitizer.sanitize(png.substr(0, length))), ImageProblem::kTruncatedOrCorrupt) << length;
}

TEST(ImageSanitizerTest, ProgressiveJpegWithSeveralScansIsAccepted) {
  ReencodingImageSanitizer sanitizer;
  std::vector<unsigned char> pixels(40 * 30 * 3, 90);
  tjhandle compressor = tjInitCompress();
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  ASSERT_EQ(
      tjCompress2(compressor, pixels.data(), 40, 0, 30, TJPF_RGB, &buffer, &size, TJSAMP_420, 90, TJFLAG_PROGRESSIVE),
      0);
  const std::string progressive(reinterpret_cast<char*>(buffer), size);
  tjFree(buffer);
  tjDestroy(compressor);
  ASSERT_NE(progressive.find("\xFF\xC2"s), std::string::npos);  // SOF2
  const auto image = clean(sanitizer.sanitize(progressive));
  EXPECT_EQ(image.width, 40);
  EXPECT_EQ(image.height, 30);
  EXPECT_TRUE(decode_jpeg(image.bytes).ok);
  EXPECT_EQ(problem(sanitizer.sanitize(progressive.substr(0, progressive.size() / 2))),
            ImageProblem::kTruncatedOrCorrupt);
}

TEST(ImageSanitizerTest, RestartMarkersBelongToTheScan) {
  ReencodingImageSanitizer sanitizer;
  // A restart marker every block: the walker must not take RSTn for the end of the scan.
  // TurboJPEG 2.1's tjCompress2 has no restart option, so the markers come from the environment variable it
  // honours.
  setenv("TJ_RESTART", "1B", 1);
  const auto jpeg = gradient_jpeg(64, 64);
  unsetenv("TJ_RESTART");
  ASSERT_NE(jpeg.find("\xFF\xDD"s), std::string::npos);  // DRI
  ASSERT_NE(jpeg.find("\xFF\xD3"s), std::string::npos);  // RST3
  const auto image = clean(sanitizer.sanitize(jpeg));
  EXPECT_EQ(image.width, 64);
  EXPECT_TRUE(decode_jpeg(image.bytes).ok);
}

TEST(ImageSanitizerTest, JpegWhoseScanStopsEarlyIsRefusedNotFilledWithGrey) {
  ReencodingImageSanitizer sanitizer;
  // Cut in the middle of the scan and closed with EOI, so the structure looks complete: only the decoder can
  // tell, and it must say so rather than finish the picture in grey.
  const auto jpeg = gradient_jpeg(64, 64);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, jpeg.size() * 2 / 3) + "\xFF\xD9"s)),
            ImageProblem::kTruncatedOrCorrupt);
}

TEST(ImageSanitizerTest, GarbageAfterJpegEndIsTrailingDataButZeroPaddingIsAccepted) {
  ReencodingImageSanitizer sanitizer;
  const auto jpeg = gradient_jpeg(20, 20);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg + "<script>alert(1)</script>")), ImageProblem::kTrailingData);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg + zip_bytes())), ImageProblem::kTrailingData);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg + std::string(100, '\0') + "x")), ImageProblem::kTrailingData);
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg + jpeg)), ImageProblem::kTrailingData);
  const auto padded = clean(sanitizer.sanitize(jpeg + std::string(512, '\0')));
  EXPECT_EQ(padded.width, 20);
  EXPECT_TRUE(decode_jpeg(padded.bytes).ok);
}

TEST(ImageSanitizerTest, JpegClaimingHugeDimensionsIsRefusedBeforeDecoding) {
  ReencodingImageSanitizer sanitizer;
  auto jpeg = gradient_jpeg(16, 16);
  const auto sof = jpeg.find("\xFF\xC0"s);
  ASSERT_NE(sof, std::string::npos);
  jpeg.replace(sof + 5, 4, big_endian16(65000) + big_endian16(65000));  // height, width
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg)), ImageProblem::kTooManyPixels);
  jpeg.replace(sof + 5, 4, big_endian16(10) + big_endian16(12001));
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg)), ImageProblem::kTooManyPixels);
  // Even with nothing after the frame header.
  EXPECT_EQ(problem(sanitizer.sanitize(jpeg.substr(0, sof + 20))), ImageProblem::kTooManyPixels);
}

// --- Neither -----------------------------------------------------------------------------------------------

TEST(ImageSanitizerTest, EmptyIsEmpty) {
  ReencodingImageSanitizer sanitizer;
  EXPECT_EQ(problem(sanitizer.sanitize("")), ImageProblem::kEmpty);
}

TEST(ImageSanitizerTest, OtherFormatsAreNotJpegOrPngWhateverTheyAreCalled) {
  ReencodingImageSanitizer sanitizer;
  for (const auto& input :
       {"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"s, zip_bytes(),
        "GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00!\xF9\x04"s, "just some text"s,
        "<svg xmlns='http://www.w3.org/2000/svg'/>"s, "\xFF\xD8"s, "\x89"s, "RIFF\x24\x00\x00\x00WEBPVP8 "s})
    EXPECT_EQ(problem(sanitizer.sanitize(input)), ImageProblem::kNotJpegOrPng) << input;
}

// --- Concurrency -------------------------------------------------------------------------------------------

TEST(ImageSanitizerTest, AtMostMaxInFlightDecodesRunAtOnce) {
  ReencodingImageSanitizer sanitizer({.max_in_flight = 2});
  constexpr int kThreads = 8;
  std::mutex mutex;
  std::condition_variable changed;
  bool gate_open = false;
  int max_seen = 0;
  // Every decode, once it holds a slot, records how many hold one, then waits for the gate: the first two to
  // get in hold their slots until the test has seen all the others queue behind them.
  sanitizer.set_slot_observer_for_testing([&] {
    std::unique_lock lock(mutex);
    max_seen = std::max(max_seen, sanitizer.slot_counts().in_flight);
    changed.wait(lock, [&] { return gate_open; });
  });
  const auto png = gradient_png(20, 20, 3);
  const auto jpeg = gradient_jpeg(20, 20);
  std::atomic<int> cleaned{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      const auto check = sanitizer.sanitize(i % 2 ? png : jpeg);
      if (std::holds_alternative<CleanImage>(check)) ++cleaned;
    });
  // Not a timing assertion: the wait ends as soon as the counts are reached; the deadline only keeps a broken
  // semaphore from hanging the test.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto counts = sanitizer.slot_counts();
  while (!(counts.in_flight == 2 && counts.waiting == kThreads - 2) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    counts = sanitizer.slot_counts();
  }
  EXPECT_EQ(counts.in_flight, 2);
  EXPECT_EQ(counts.waiting, kThreads - 2);
  {
    std::lock_guard lock(mutex);
    gate_open = true;
  }
  changed.notify_all();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(cleaned, kThreads);
  EXPECT_LE(max_seen, 2);
  EXPECT_EQ(sanitizer.slot_counts().in_flight, 0);
  EXPECT_EQ(sanitizer.slot_counts().waiting, 0);
}

}  // namespace
}  // namespace shelfmark::imaging
