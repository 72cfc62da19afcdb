// Cataloguing use cases: importing MARC records with their copies, and staff adding and editing copies.
//
// Holdings fields read on import (one copy per field; a field without a barcode describes a location, not a
// copy, and is only counted):
//   852 (MARC21 holdings): $p barcode, $b library code, $k $h $i $m call number (else $j), $9 (else $y) price
//   952 (Koha): $p barcode, $a home library code (else $b), $o call number, $g price (else $v), $y item type,
//        $8 collection
//   949 (the Evergreen/Sirsi load layout of Evergreen's sample sets): $i barcode, $m library code (else $h),
//        $a call number, $p price, $t item type
// Item types are matched case-insensitively: a Shelfmark code (book, audio_visual ...), BK/BOOK(S),
// PER/SER/MAG/PERIODICAL/JOURNAL, AV/DVD/CD/VCD/VIDEO/AUDIO/SOUND/MUSIC/CDROM/KIT, EB/EBOOK, ACC; otherwise
// the record's format decides (periodical -> back issue, audio-visual -> audio-visual, e-book -> e-book,
// anything else -> book). Collection: a Shelfmark code or REF (reference) in 952 $8, otherwise the record's
// audience (children's, young adult, adult). See docs/catalogue.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"  // Actor
#include "app/ports.h"
#include "domain/errors.h"

namespace shelfmark::app {

// Why a record or a copy was not imported. Shown to the staff member running the import (CLI: English).
struct ImportProblem {
  enum class Kind {
    kNoControlNumber,  // the record: skipped
    kUnknownLibrary,   // a copy: skipped, the record imported
    kBarcodeTaken,     // a copy whose barcode belongs to another record's copy: skipped
    kInvalidCopy,      // a copy with a barcode or call number that is too long or not text: skipped
  };
  std::size_t index = 0;  // of the record in the batch
  Kind kind = Kind::kNoControlNumber;
  std::string control_number;
  std::string detail;        // English: "852 $b XYZ is not a library code", "barcode 123 is on record ocm1"
  std::string library_code;  // kUnknownLibrary: the code as the record gives it
};

struct ImportReport {
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;  // re-imported exactly as stored
  int failed = 0;     // records not imported
  int items_added = 0;
  int items_present = 0;  // re-imported copies already on the record
  int items_skipped = 0;
  int holdings_without_barcode = 0;  // holdings fields that describe a location, not a copy: ignored
  std::vector<ImportProblem> problems;
};

// Imports one batch in one transaction: each record is inserted, or replaces the stored record with the
// same control number (001); its holdings fields add copies (above). A record without a control number is
// reported and skipped, the rest go in. Re-importing the same file changes nothing and adds no copies.
ImportReport import_records(const Context& context, const std::vector<domain::MarcRecord>& batch);

// What cataloguing staff type for a copy.
struct ItemInput {
  std::string barcode;
  std::string library_code;  // home library
  std::string item_type;     // domain::item_type_code
  std::string collection;    // domain::collection_code
  std::string call_number;
  std::string price;  // "12.50", "HK$12.50" or empty (unknown)
};

// A record with its copies, for the cataloguing pages.
struct RecordWithItems {
  BibRecord record;
  std::vector<CatalogueItem> items;
};
domain::Outcome<RecordWithItems> record_for_staff(const Context& context, const Actor& actor, long long record_id);

// Both need Permission::kCataloguing, validate every field (field names as in ItemInput), refuse a barcode
// already in use (barcode_taken) and are audited ("item.add" / "item.edit", subject "item:<id>").
domain::Outcome<CatalogueItem> add_item(const Context& context, const Actor& actor, long long record_id,
                                        const ItemInput& input);
// kEditConflict when the copy changed since `expected_version` was read.
domain::Outcome<CatalogueItem> edit_item(const Context& context, const Actor& actor, long long item_id,
                                         long long expected_version, const ItemInput& input);

}  // namespace shelfmark::app
