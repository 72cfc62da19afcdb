// What a self-check machine sends over SIP2: framing, parsing and decoding never crash, a reply built from a
// parsed message parses back to the same message, and dates that parse format back to themselves.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sip2/message.h"

namespace {

using namespace shelfmark::sip2;

std::string cleaned_value(std::string_view value) {
  auto text = ResponseBuilder("").field("", value).text();
  text.pop_back();  // the '|'
  return text;
}

// Echoes a request with a checksum so its end is unambiguous, and reads it back. Only for messages that came
// out of the framer: those cannot hold a line break anywhere, not even in a field id.
void round_trip(const Request& request) {
  ResponseBuilder builder(request.code);
  builder.fixed(request.fixed);
  for (const auto& field : request.fields) builder.field(field.id, field.value);
  const auto reply = builder.finish(ReplyOptions{Terminator::kCrLf, request.sequence, true});
  if (verify_checksum(reply) != ChecksumCheck::kValid) std::abort();

  Framer framer;
  framer.append(reply);
  const auto framed = framer.next();
  if (framed.status != FrameStatus::kMessage || framed.frame.terminator != Terminator::kCrLf) std::abort();
  const auto again = parse_request(framed.frame.message);
  if (!again) std::abort();
  if (again->code != request.code || again->sequence != request.sequence) std::abort();
  if (again->fixed != ResponseBuilder("").fixed(request.fixed).text()) std::abort();
  if (again->fields.size() != request.fields.size()) std::abort();
  for (std::size_t i = 0; i < request.fields.size(); ++i)
    if (again->fields[i].id != request.fields[i].id || again->fields[i].value != cleaned_value(request.fields[i].value))
      std::abort();
}

void check_message(std::string_view message, bool framed) {
  verify_checksum(message);
  parse_request(message, ParseOptions{.verify_checksum = false});
  const auto request = parse_request(message);
  if (!request) return;
  if (request->fixed.size() != fixed_length(request->code).value_or(0)) std::abort();
  decode(*request);
  if (framed) round_trip(*request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_message(input, false);

  // Socket reads of varying sizes, and a small limit so that overlong messages happen too.
  const std::size_t chunk = size > 0 ? data[0] % 7 + 1 : 1;
  Framer framer(size > 1 ? 32 + data[1] : kMaxMessageLength);
  for (std::size_t at = 0; at < size; at += chunk) {
    framer.append(input.substr(at, chunk));
    for (auto result = framer.next(); result.status != FrameStatus::kNeedMore; result = framer.next()) {
      if (result.status != FrameStatus::kMessage) continue;
      if (result.frame.message.empty() || result.frame.message.find_first_of("\r\n") != std::string::npos) std::abort();
      check_message(result.frame.message, true);
    }
  }

  for (std::size_t at = 0; at + kSipDateLength <= size && at < 64; at += 9) {
    const auto date = parse_sip_date(input.substr(at, kSipDateLength));
    if (date && date.value()) {
      const auto again = parse_sip_date(format_sip_date(*date.value()));
      if (!again || again.value() != date.value()) std::abort();
    }
  }
  return 0;
}
