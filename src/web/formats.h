// Small text formats the pages write: CSV cells safe to open in a spreadsheet, and iCalendar (RFC 5545) text
// and lines.
#pragma once

#include <initializer_list>
#include <string>

namespace shelfmark::web {

// A spreadsheet must not run what the data contains: a cell starting with = + - @ (or a tab or carriage
// return) is prefixed with an apostrophe, as OWASP advises against CSV injection. Always quoted.
inline std::string csv_cell(const std::string& text) {
  std::string cell = text;
  if (!cell.empty() && std::string("=+-@\t\r").find(cell.front()) != std::string::npos) cell.insert(0, "'");
  std::string quoted = "\"";
  for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// One CSV record: the cells, each as csv_cell writes it, separated by commas and ended by CRLF (RFC 4180).
inline std::string csv_line(std::initializer_list<std::string> cells) {
  std::string line;
  for (const auto& cell : cells) line += (line.empty() ? "" : ",") + csv_cell(cell);
  return line + "\r\n";
}

// iCalendar text: backslash, semicolon, comma and line breaks escaped.
inline std::string ics_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

// Lines longer than 75 octets are folded (CRLF and a space), never inside a UTF-8 character.
inline std::string ics_line(const std::string& line) {
  std::string out;
  std::size_t start = 0, limit = 75;
  while (line.size() - start > limit) {
    auto cut = start + limit;
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out += line.substr(start, cut - start) + "\r\n ";
    start = cut;
    limit = 74;  // the leading space counts
  }
  return out + line.substr(start) + "\r\n";
}

}  // namespace shelfmark::web
