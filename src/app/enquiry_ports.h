// Storage port for Ask a Librarian: enquiries, what staff did with them (claims, replies, transfers,
// closing), and the published frequently asked questions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/enquiry.h"

namespace shelfmark::app {

struct EnquiryRecord {
  long long id = 0;
  std::string reference;
  std::optional<long long> reader_id;  // a signed-in reader's enquiry; else name and email below
  std::string name;                    // a non-reader's; blanked when anonymised
  std::string email;
  domain::EnquirySubject subject = domain::EnquirySubject::kOther;
  domain::Language language = domain::Language::kEnglish;  // of the reply
  std::string question;
  std::optional<long long> library_id;  // whose queue; none: the central team's
  domain::EnquiryStatus status = domain::EnquiryStatus::kNew;
  std::optional<long long> claimed_by;
  std::optional<Instant> claimed_at;
  Instant submitted_at;
  std::optional<Instant> answered_at;
  std::optional<Instant> closed_at;
  Instant updated_at;
  std::optional<Instant> anonymised_at;
  // Read only, joined for display.
  std::string claimed_by_name;
  std::string library_code;
  std::string reader_name;
};

struct EnquiryEvent {
  long long id = 0;
  long long enquiry_id = 0;
  Instant at;
  std::optional<long long> staff_id;
  std::string kind;  // "claim", "reply", "transfer", "close"
  std::string body;  // the reply, or the transfer note
  std::optional<long long> from_library_id;
  std::optional<long long> to_library_id;
  std::string staff_name;  // read only
};

struct EnquiryFilter {
  std::vector<domain::EnquiryStatus> statuses;  // empty: every status
  std::optional<long long> library_id;
  bool without_library = false;  // only the central team's (no library)
  std::optional<long long> reader_id;
  int limit = 50;
  int offset = 0;
};

struct FaqEntry {
  long long id = 0;
  std::optional<long long> enquiry_id;  // the enquiry it was written from, for staff only
  std::string question_en;
  std::string answer_en;
  std::string question_tc;
  std::string answer_tc;
  bool published = true;
  Instant created_at;
  Instant updated_at;
  std::optional<long long> created_by;
};

class EnquiryRepository {
 public:
  virtual ~EnquiryRepository() = default;
  // Throws StoreError(kUniqueViolation) for a reference in use.
  virtual long long insert(const EnquiryRecord& enquiry) = 0;
  virtual std::optional<EnquiryRecord> by_id(long long id) = 0;
  // Oldest first (the queue's order).
  virtual std::vector<EnquiryRecord> list(const EnquiryFilter& filter) = 0;
  virtual long long count(const EnquiryFilter& filter) = 0;
  // Applies status, claim, library and times only while the stored status and claim are still `expected_status`
  // and `expected_claimed_by`: false when someone else changed the enquiry first (two staff claiming at once).
  virtual bool update(const EnquiryRecord& enquiry, domain::EnquiryStatus expected_status,
                      std::optional<long long> expected_claimed_by) = 0;
  virtual long long add_event(const EnquiryEvent& event) = 0;
  virtual std::vector<EnquiryEvent> events(long long enquiry_id) = 0;
  // Closed enquiries of non-readers, closed before `before`, lose the name and email. Returns how many.
  virtual int anonymise_closed(Instant before, Instant at) = 0;

  virtual long long insert_faq(const FaqEntry& entry) = 0;
  virtual std::optional<FaqEntry> faq_by_id(long long id) = 0;
  virtual bool set_faq_published(long long id, bool published, Instant at) = 0;
  // Published entries whose question or answer contains `text` (case-insensitively for Latin letters), newest
  // first; every published entry when `text` is empty. unpublished too when `include_unpublished`.
  virtual std::vector<FaqEntry> faqs(const std::string& text, bool include_unpublished, int limit) = 0;
};

}  // namespace shelfmark::app
