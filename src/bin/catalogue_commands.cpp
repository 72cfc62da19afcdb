// The catalogue and database subcommands: migrate, import-marc, export-marc, demo-data, reindex.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "app/catalogue_search.h"
#include "bin/demo_catalogue.h"
#include "bin/demo_data.h"
#include "bin/export_marc.h"
#include "bin/import_marc.h"
#include "bin/runtime.h"
#include "search/xapian_index.h"

namespace shelfmark::bin {
namespace {

struct CatalogueOptions {
  std::string marc_encoding = "auto";
  int marc_batch = 500;
  std::vector<std::string> marc_files;
  std::string export_format = "marc21", export_file;
  std::optional<std::string> export_record;
  std::size_t catalogue_records = 20000;
};

}  // namespace

std::vector<Command> catalogue_commands(CLI::App& cli, const Common& common) {
  auto o = std::make_shared<CatalogueOptions>();
  auto& [marc_encoding, marc_batch, marc_files, export_format, export_file, export_record, catalogue_records] = *o;
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");

  auto* import_marc = cli.add_subcommand(
      "import-marc",
      "Import MARC21 records (ISO2709 or MARCXML) and their copies (852, 952, 949); a record already imported "
      "(same 001) is updated. Exit status 1 when some record or copy was not imported, 2 for a missing file");
  import_marc
      ->add_option("--encoding", marc_encoding,
                   "ISO2709 text encoding: auto (leader/09), marc8 or utf8 (for files whose leader is wrong)")
      ->check(CLI::IsMember({"auto", "marc8", "utf8"}))
      ->capture_default_str();
  import_marc->add_option("--batch-size", marc_batch, "Records per transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  import_marc->add_option("files", marc_files, "MARC files")->required();

  auto* export_marc = cli.add_subcommand("export-marc", "Write catalogue records (UTF-8) to a file, as stored");
  export_marc->add_option("--format", export_format, "marc21 (ISO2709) or marcxml (one collection)")
      ->check(CLI::IsMember({"marc21", "marcxml"}))
      ->capture_default_str();
  export_marc->add_option("--record", export_record, "Only this record: its id or its control number (001)");
  export_marc->add_option("file", export_file, "Output file, or - for standard output")->required();
  auto* demo =
      cli.add_subcommand("demo-data", "Migrate, then load the demo library network, notices and a demo administrator");
  demo->add_option("--catalogue-records", catalogue_records, "Size of the generated demo catalogue")
      ->check(CLI::Range(0, 2000000))
      ->capture_default_str();
  auto* reindex = cli.add_subcommand("reindex", "Rebuild this node's catalogue search index from the database");

  return {
      {migrate,
       [o, &common] {
         ensure_var_dir(common);
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         return 0;
       }},
      {import_marc,
       [o, &common] {
         if (auto problem = check_marc_files(o->marc_files); !problem.empty()) fail(problem);
         ensure_var_dir(common);
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         ImportMarcOptions options{o->marc_files, *marc::parse_encoding(o->marc_encoding), o->marc_batch};
         return shelfmark::bin::import_marc(*runtime.context, options);
       }},
      {export_marc,
       [o, &common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         return shelfmark::bin::export_marc(
             *runtime.context, ExportMarcOptions{o->export_file, o->export_format == "marcxml", o->export_record});
       }},
      {demo,
       [o, &common] {
         ensure_var_dir(common);
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         const auto report = load_demo_data(*runtime.context);
         if (report.already_loaded) {
           std::cout << "The database already has libraries: demo data not loaded again.\n";
           return 0;
         }
         if (o->catalogue_records > 0) {
           const auto catalogue = load_demo_catalogue(*runtime.context, o->catalogue_records);
           std::cout << "Generated a catalogue of " << catalogue.records << " records with " << catalogue.items
                     << " copies.\n";
           search::XapianIndex index(common.search_index);
           app::NetworkCache network;
           std::cout << "Indexed " << app::reindex(*runtime.context, network, index) << " records for search.\n";
         }
         std::cout << "Loaded " << report.libraries << " libraries, " << report.holidays << " public holidays, "
                   << report.notices << " notices, " << report.activities << " activities, " << report.readers
                   << " readers, " << report.items << " items and " << report.loans << " loans.\n";
         if (report.readers_with_pin > 0)
           std::cout
               << "Demo readers 2100000000 to " << (2100000000LL + report.readers_with_pin - 1)
               << " have a PIN for self-service machines, the last 4 digits of the card, and a web password,"
               << " \"demo reader\" and those digits (card 2100000004: PIN 0004, password \"demo reader 0004\").\n";
         if (report.admin_password)
           std::cout << "Demo administrator: username 'admin', password '" << *report.admin_password
                     << "' (shown only this once).\n";
         return 0;
       }},
      {reindex,
       [o, &common] {
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         search::XapianIndex index(common.search_index);
         app::NetworkCache network;
         const bool terminal = isatty(STDERR_FILENO);
         const auto started = std::chrono::steady_clock::now();
         auto last = started;
         const auto done = app::reindex(*runtime.context, network, index, [&](long long count, long long total) {
           const auto now = std::chrono::steady_clock::now();
           if (now - last < std::chrono::milliseconds(terminal ? 200 : 5000) && count < total) return;
           last = now;
           const double seconds = std::chrono::duration<double>(now - started).count();
           std::cerr << (terminal ? "\r" : "") << "Indexed " << count << " of " << total << " records ("
                     << static_cast<long long>(seconds > 0 ? count / seconds : 0) << " a second)"
                     << (terminal ? "   " : "\n") << std::flush;
         });
         if (terminal) std::cerr << "\n";
         std::cout << "Indexed " << done << " records into " << common.search_index << ".\n";
         return 0;
       }},
  };
}

}  // namespace shelfmark::bin
