// The app's ImageSanitizer port, implemented with libpng and TurboJPEG (libjpeg-turbo).
//
// Policy. An upload is trusted for nothing but its pixels:
//  - The type comes from the content (magic bytes), never from the name or the declared media type. Only PNG and
//    JPEG are accepted.
//  - Before any decoder runs, the container is walked by hand: PNG chunks up to IEND, JPEG markers and scans up to
//    EOI. This finds a file cut short, and anything appended after the image's end. Appended bytes are refused
//    rather than cut off: a file that is a valid image and also something else (PNG + ZIP, JPEG + HTML, a phone's
//    "motion photo" with a video after EOI) was made that way on purpose or by a tool we cannot vouch for, and the
//    uploader is better told than silently given half of the file. The one exception is zero bytes after a JPEG's
//    EOI, which some scanners pad with.
//  - The dimensions (PNG IHDR, JPEG SOF) are checked against the limits before a pixel buffer is allocated, so a
//    small file claiming 100000 x 100000 pixels (a decompression bomb) costs nothing.
//  - The image is decoded in full, with warnings treated as errors, so a damaged file is refused rather than
//    stored with a grey or garbage band.
//  - The pixels alone are encoded again in the same format: PNG losslessly (grey, grey+alpha, RGB or RGBA as the
//    image needs), JPEG at quality 85 with 4:2:0 chroma (greyscale stays greyscale). Nothing else survives: no
//    EXIF (GPS position, camera serial), no comments, no XMP, no ICC profile, no text chunks, no thumbnails. The
//    EXIF orientation of a JPEG is applied to the pixels first, so the picture still shows the right way up.
//
// Memory. Each decode holds, at its peak, roughly (for w x h pixels):
//  - PNG: up to 4 bytes per pixel for the decoded image (RGBA; 1 for grey), plus the encoded output, for which
//    half the decoded size is reserved first (more only for noise-like images), plus libpng's row buffers.
//    25 megapixels (the default limit) RGBA: about 150 MB.
//  - JPEG: 3 bytes per pixel decoded (1 for greyscale, 4 for CMYK before conversion), another 3 while the
//    orientation is applied (unless it is 1), plus the encoded output (TurboJPEG reserves its worst case, but
//    only the bytes written are touched). A progressive JPEG also needs libjpeg's coefficient buffer while
//    decoding, 2 bytes per sample: 3 bytes per pixel at 4:2:0, 6 at 4:4:4, 8 for CMYK. Worst case (progressive
//    CMYK) about 12 bytes per pixel, around 300 MB at 25 megapixels; a baseline 4:2:0 photo needs 3-6.
// At most max_in_flight decodes run at once (others wait), so the worst case for the process is max_in_flight
// times the above.
//
// Thread safety: one instance may be shared by all threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "app/media_ports.h"

namespace shelfmark::imaging {

// The defaults fit the photos and scans an applicant sends: a 24-megapixel phone photo (5712 x 4284), an A4
// page scanned at 400 dpi (3307 x 4677). Decoding and encoding again an image at the limit takes about 0.5 s
// of CPU (36 megapixels took 0.9 s); the registration use case also limits the checks per draft.
struct ImageLimits {
  std::uint64_t max_pixels = 25'000'000;  // width * height
  int max_side = 8'000;                   // width and height each, in pixels
  int max_in_flight = 2;                  // decodes running at once; the rest wait their turn
};

class ReencodingImageSanitizer final : public app::ImageSanitizer {
 public:
  explicit ReencodingImageSanitizer(ImageLimits limits = {});
  app::ImageCheck sanitize(std::string_view bytes) override;

  struct SlotCounts {
    int in_flight = 0;  // decodes holding a slot
    int waiting = 0;    // decodes waiting for one
  };
  SlotCounts slot_counts() const;

  // For tests: called by every decode right after it gets its slot, before decoding. Set it before the
  // sanitizer is shared between threads.
  void set_slot_observer_for_testing(std::function<void()> observer) { slot_observer_ = std::move(observer); }

 private:
  class Slot;
  ImageLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  int in_flight_ = 0;
  int waiting_ = 0;
  std::function<void()> slot_observer_;
};

}  // namespace shelfmark::imaging
