#include "bin/import_marc.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "app/catalogue.h"

namespace shelfmark::bin {
namespace {

using Clock = std::chrono::steady_clock;

struct Position {
  std::string file;
  long long number = 0;
  long long offset = 0;
};

// Copies skipped for a library code the network does not have: one line per code at the end, not one per
// copy (a file from another library names the same few codes thousands of times).
struct UnknownLibrary {
  long long copies = 0;
  Position first;  // where the first such copy was
};

struct Totals {
  long long read = 0;                                       // records read from the files, readable or not
  long long unreadable = 0;                                 // records the reader rejected
  app::ImportReport import;                                 // summed over the batches
  std::map<std::string, UnknownLibrary> unknown_libraries;  // by code as written
};

void add(app::ImportReport& total, const app::ImportReport& batch) {
  total.inserted += batch.inserted;
  total.updated += batch.updated;
  total.unchanged += batch.unchanged;
  total.failed += batch.failed;
  total.items_added += batch.items_added;
  total.items_present += batch.items_present;
  total.items_skipped += batch.items_skipped;
  total.holdings_without_barcode += batch.holdings_without_barcode;
}

void report_problem(const Position& at, const std::string& what) {
  std::fprintf(stderr, "%s\n",
               fmt::format("shelfmark: {}: record {} (byte {}): {}", at.file, at.number, at.offset, what).c_str());
}

class Progress {
 public:
  Progress() : terminal_(isatty(STDERR_FILENO) == 1), start_(Clock::now()), last_(start_) {}

  void update(const Totals& totals, const std::string& file, bool force = false) {
    const auto now = Clock::now();
    const auto interval = terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
    if (!force && now - last_ < interval) return;
    last_ = now;
    const auto line = fmt::format("{} records read, {:.0f} a second ({})", totals.read, rate(totals.read), file);
    if (terminal_)
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
    else
      std::fprintf(stderr, "shelfmark: %s\n", line.c_str());
    std::fflush(stderr);
  }

  // Before another line goes to the terminal.
  void clear() {
    if (terminal_) std::fprintf(stderr, "\r\033[K");
  }

  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double rate(long long records) const {
    const auto elapsed = seconds();
    return elapsed > 0 ? static_cast<double>(records) / elapsed : 0.0;
  }

 private:
  bool terminal_;
  Clock::time_point start_, last_;
};

std::string problem_text(const app::ImportProblem& problem) {
  switch (problem.kind) {
    case app::ImportProblem::Kind::kNoControlNumber:
      return "not imported: " + problem.detail;
    default:
      return "copy skipped: " + problem.detail;
  }
}

class Importer {
 public:
  Importer(const app::Context& context, Totals& totals, Progress& progress)
      : context_(context), totals_(totals), progress_(progress) {}

  void add(domain::MarcRecord record, Position at) {
    records_.push_back(std::move(record));
    positions_.push_back(std::move(at));
  }

  std::size_t pending() const { return records_.size(); }

  void flush() {
    if (records_.empty()) return;
    try {
      apply(records_, positions_);
    } catch (const std::exception& error) {
      // One record broke the whole batch (a database error): import them one by one to find it.
      for (std::size_t i = 0; i < records_.size(); ++i) {
        try {
          apply({records_[i]}, {positions_[i]});
        } catch (const std::exception& single) {
          progress_.clear();
          report_problem(positions_[i], std::string("not imported: ") + single.what());
          ++totals_.import.failed;
        }
      }
    }
    records_.clear();
    positions_.clear();
  }

 private:
  void apply(const std::vector<domain::MarcRecord>& records, const std::vector<Position>& positions) {
    const auto report = app::import_records(context_, records);
    for (const auto& problem : report.problems) {
      if (problem.kind == app::ImportProblem::Kind::kUnknownLibrary) {
        auto& unknown = totals_.unknown_libraries[problem.library_code];
        if (unknown.copies++ == 0) unknown.first = positions.at(problem.index);
        continue;
      }
      progress_.clear();
      report_problem(positions.at(problem.index), problem_text(problem));
    }
    shelfmark::bin::add(totals_.import, report);
  }

  const app::Context& context_;
  Totals& totals_;
  Progress& progress_;
  std::vector<domain::MarcRecord> records_;
  std::vector<Position> positions_;
};

}  // namespace

std::string check_marc_files(const std::vector<std::string>& files) {
  for (const auto& file : files) {
    std::error_code error;
    if (!std::filesystem::exists(file, error)) return file + ": no such file";
    if (!std::filesystem::is_regular_file(file, error)) return file + ": not a regular file";
    std::ifstream probe(file, std::ios::binary);
    if (!probe) return file + ": cannot be read";
  }
  return "";
}

int import_marc(const app::Context& context, const ImportMarcOptions& options) {
  if (auto problem = check_marc_files(options.files); !problem.empty()) {
    std::fprintf(stderr, "shelfmark: %s\n", problem.c_str());
    return 2;
  }

  Totals totals;
  Progress progress;
  Importer importer(context, totals, progress);
  for (const auto& file : options.files) {
    std::unique_ptr<marc::Reader> reader;
    try {
      reader = marc::open_file(file, options.encoding);
    } catch (const std::exception& error) {
      progress.clear();
      std::fprintf(stderr, "shelfmark: %s\n", error.what());
      return 2;
    }
    long long guessed_in_file = 0, bad_utf8_in_file = 0;
    while (auto result = reader->next()) {
      ++totals.read;
      Position at{file, result->number, result->offset};
      if (!result->record) {
        ++totals.unreadable;
        if (result->error.find("invalid UTF-8") != std::string::npos) ++bad_utf8_in_file;
        progress.clear();
        report_problem(at, "unreadable: " + result->error);
      } else {
        if (result->utf8_guessed) ++guessed_in_file;
        importer.add(std::move(*result->record), std::move(at));
        if (static_cast<int>(importer.pending()) >= options.batch_size) importer.flush();
      }
      progress.update(totals, file);
    }
    importer.flush();
    if (bad_utf8_in_file > 0 && options.encoding == marc::Encoding::kAuto) {
      progress.clear();
      std::fprintf(stderr, "%s\n",
                   fmt::format("shelfmark: {}: {} {} not valid UTF-8; if the file is MARC-8 whatever its leader "
                               "says, import it again with --encoding marc8",
                               file, bad_utf8_in_file, bad_utf8_in_file == 1 ? "record was" : "records were")
                       .c_str());
    }
    if (guessed_in_file > 0) {
      progress.clear();
      std::fprintf(stderr, "%s\n",
                   fmt::format("shelfmark: {}: {} {} MARC-8 (leader/09 blank) but UTF-8, and read as UTF-8; use "
                               "--encoding to decide otherwise",
                               file, guessed_in_file, guessed_in_file == 1 ? "record said" : "records said")
                       .c_str());
    }
  }
  progress.update(totals, "done", true);
  progress.clear();
  for (const auto& [code, unknown] : totals.unknown_libraries)
    std::fprintf(stderr, "%s\n",
                 fmt::format("shelfmark: {} {} skipped: '{}' is not a library code (first in {}: record {}, byte "
                             "{}); add the library or correct the code, then import again",
                             unknown.copies, unknown.copies == 1 ? "copy" : "copies", code, unknown.first.file,
                             unknown.first.number, unknown.first.offset)
                     .c_str());
  if (!isatty(STDERR_FILENO)) std::fflush(stderr);

  const auto& r = totals.import;
  const long long failed = totals.unreadable + r.failed;
  std::printf("%s", fmt::format("Read {} records in {:.1f} s ({:.0f} a second).\n"
                                "Records: {} new, {} updated, {} unchanged, {} failed.\n"
                                "Copies: {} added, {} already there, {} skipped.\n",
                                totals.read, progress.seconds(), progress.rate(totals.read), r.inserted, r.updated,
                                r.unchanged, failed, r.items_added, r.items_present, r.items_skipped)
                        .c_str());
  if (r.holdings_without_barcode > 0)
    std::printf(
        "%s",
        fmt::format("{} holdings fields had no barcode and were not copies.\n", r.holdings_without_barcode).c_str());
  std::fflush(stdout);
  return failed > 0 || r.items_skipped > 0 ? 1 : 0;
}

}  // namespace shelfmark::bin
