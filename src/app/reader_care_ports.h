// Ports of looking after a reader (staff): the reader's details with their version, blocks, notes, the
// history of status changes, the guarantor of a reader registered under 18, and readers whose card expires
// soon (for the reminder job).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/circulation.h"
#include "domain/reader_care.h"

namespace shelfmark::app {

// What staff see and edit of a reader.
struct ReaderProfile {
  long long id = 0;
  std::string card_number;
  domain::ReaderCategory category = domain::ReaderCategory::kAdult;
  domain::ReaderStatus status = domain::ReaderStatus::kActive;
  std::optional<Date> expires_on;
  domain::ReaderDetails details;  // name_en is the reader's name everywhere else
  bool has_hkid = false;          // identity checked at registration
  long long version = 1;          // raised by every staff change and by the reader's own changes in My Setting
};

struct BlockRecord {
  domain::ReaderBlock block;
  long long reader_id = 0;
  std::string note;  // free text for staff
  std::optional<long long> created_by;
  std::string created_by_name;  // read only
  Instant created_at;
  std::optional<long long> lifted_by;
  std::string lifted_by_name;  // read only
  std::optional<Instant> lifted_at;
};

enum class NoteKind { kInternal, kToReader };
std::string_view note_kind_code(NoteKind kind);  // "internal", "to_reader"
std::optional<NoteKind> parse_note_kind(std::string_view code);

struct NoteRecord {
  long long id = 0;
  long long reader_id = 0;
  NoteKind kind = NoteKind::kInternal;
  std::string body;
  std::optional<long long> created_by;
  std::string created_by_name;  // read only
  Instant created_at;
  std::optional<Instant> acknowledged_at;
  std::optional<long long> acknowledged_by;  // none: the reader acknowledged it
};

struct StatusChange {
  domain::ReaderStatus from = domain::ReaderStatus::kActive;
  domain::ReaderStatus to = domain::ReaderStatus::kActive;
  std::string reason;
  std::optional<long long> staff_id;
  std::string staff_name;  // read only
  Instant at;
};

struct Guarantor {
  std::string name;
  std::string relationship;  // "parent" or "guardian"
  std::string phone;         // 8-digit Hong Kong mobile
  Instant recorded_at;
};

struct ExpiryCandidate {
  long long reader_id = 0;
  Date expires_on;
  std::string name;
  std::string channel;  // "email" or "sms" (readers who chose none are not candidates)
  std::string email;
  std::string mobile;
  domain::Language language = domain::Language::kEnglish;
};

class ReaderCareRepository {
 public:
  virtual ~ReaderCareRepository() = default;
  virtual std::optional<ReaderProfile> profile(long long reader_id) = 0;
  // Saves the details when the stored version is `expected_version`, and raises it; false otherwise.
  virtual bool save_details(long long reader_id, long long expected_version, const domain::ReaderDetails& details) = 0;
  // Sets the expiry date and status when the version is `expected_version`, and raises it; false otherwise.
  virtual bool save_membership(long long reader_id, long long expected_version, Date expires_on,
                               domain::ReaderStatus status) = 0;
  // Raises the version whatever it is (a block, a note, a PIN: changes that cannot conflict with a form).
  virtual void raise_version(long long reader_id) = 0;

  virtual long long add_block(const BlockRecord& block) = 0;
  // Every block of the reader, lifted or not, newest first.
  virtual std::vector<BlockRecord> blocks(long long reader_id) = 0;
  // The blocks not lifted by staff (some may have ended by their date), for the standing.
  virtual std::vector<domain::ReaderBlock> unlifted_blocks(long long reader_id) = 0;
  // False when the reader has no such block or it was lifted already.
  virtual bool lift_block(long long reader_id, long long block_id, long long staff_id, Instant at) = 0;

  virtual long long add_note(const NoteRecord& note) = 0;
  // Every note of the reader, newest first.
  virtual std::vector<NoteRecord> notes(long long reader_id) = 0;
  // False when the reader has no such note to them, or it was acknowledged already.
  virtual bool acknowledge_note(long long reader_id, long long note_id, std::optional<long long> staff_id,
                                Instant at) = 0;

  virtual void add_status_change(long long reader_id, const StatusChange& change) = 0;
  // Oldest first.
  virtual std::vector<StatusChange> status_history(long long reader_id) = 0;

  // Replaces the reader's guarantor.
  virtual void save_guarantor(long long reader_id, const Guarantor& guarantor) = 0;
  virtual std::optional<Guarantor> guarantor(long long reader_id) = 0;

  // Active readers whose card expires from `from` to `to` inclusive, with a channel, not yet reminded of that
  // expiry date (reader_notices_sent, kind "membership_expiring", subject "reader:ID:YYYY-MM-DD").
  virtual std::vector<ExpiryCandidate> expiring(Date from, Date to, int limit) = 0;
};

}  // namespace shelfmark::app
