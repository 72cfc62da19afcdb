// QR codes as inline SVG, drawn on the server with libqrencode: the admission card page needs no JavaScript
// and no image request, and prints sharply at any size.
#pragma once

#include <string>
#include <string_view>

namespace shelfmark::web {

// An <svg> element of the text's QR code (error correction level M, four modules of quiet zone), with
// `label` as its accessible name. Empty when the text cannot be encoded (too long).
std::string qr_svg(std::string_view text, std::string_view label);

}  // namespace shelfmark::web
