// The reader record for staff (Permission::kFindReaders): everything the library holds about one reader, in
// one view, read in one transaction. Opening it is audited as `reader.view` (subject `reader:{id}`) with the
// staff member, in the same transaction. The HKID appears masked only.
//
// The sections are also separate functions over Repositories (record_loans, ...) so that pages built on the
// record (editing, blocks, notes) can show the parts they need without a second audit row.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "app/reader_care_ports.h"
#include "app/reader_ports.h"

namespace shelfmark::app {

inline constexpr int kRecordRowsPerSection = 50;

struct ReaderRecordView {
  ReaderDetails details;
  std::vector<RecordLoan> current_loans;
  std::vector<RecordLoan> past_loans;  // only for a reader who keeps a reading history
  std::vector<RecordReservation> reservations;
  std::vector<RecordCharge> charges;
  std::vector<RecordPayment> payments;
  std::vector<RecordMessage> messages;  // to the reader's current email and mobile number
  std::vector<RecordApplication> applications;
  std::vector<RecordEnquiry> enquiries;
  std::vector<RecordEnrolment> enrolments;
  std::vector<RecordStudyApplication> study_applications;
  // Changes to the reader from the audit log (status changes among them: cards reported lost and replaced,
  // payments, contact changes), newest first. Reads of the record are not listed here.
  std::vector<RecordEvent> history;
  std::vector<BlockRecord> blocks_in_force;  // newest first; the blocks page lists lifted and ended ones
  std::vector<NoteRecord> notes;             // internal and to the reader, newest first
  std::optional<Guarantor> guarantor;        // for a reader registered under 18
};

// The receipt number of a payment or waiver, as the counter printed it ("P00000012", "W00000003").
std::string receipt_number(const RecordPayment& payment);

// kPermissionDenied without kFindReaders; kNotFound for a card number no reader has.
domain::Outcome<ReaderRecordView> reader_record(const Context& context, const Actor& actor,
                                                const std::string& card_number);

// The record's sections for one reader, within a caller's transaction; no audit row.
ReaderRecordView read_reader_record(Repositories& repos, const ReaderDetails& details, Date today);

}  // namespace shelfmark::app
