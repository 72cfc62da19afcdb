// Ask a Librarian's use cases against the real store, on both backends: sending (with the rate limits and the
// acknowledgement), the staff queue, claiming (also two at once: exactly one wins), replying, transferring,
// closing, readers seeing only their own enquiries, FAQ publishing and search, and the anonymising job.
#include "app/enquiries.h"

#include <atomic>
#include <thread>

#include "app/registration_ports.h"
#include "app/testing/use_case_test.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::EnquiryStatus;
using domain::ErrorCode;
using testing::UseCaseTest;

class Enquiries : public UseCaseTest {
 protected:
  Enquiries() : UseCaseTest({.hasher_in_flight = 2}) {}
  void SetUp() override {
    for (const char* code : {"CL", "KLN"}) new_library(testing::library(code, domain::LibraryKind::kCentral));
    alice = new_staff({"alice", "Alice Reference", domain::Role::kReference});
    bob = new_staff({"bob", "Bob Reference", domain::Role::kReference});
    counter = new_staff({"counter", "Counter", domain::Role::kCounter});
    for (const char* card : {"R1", "R2"})
      readers.push_back(new_reader({.card = card, .email = to_lower_ascii(card) + "@example.com"}));
  }

  domain::EnquiryForm form(const std::string& email = "chan@example.com") {
    return {"Chan Tai Man", email, "hong_kong_studies", "en", "", "Where can I find old maps of Kowloon City?"};
  }

  long long sent(const std::string& email = "chan@example.com", const std::string& address = "10.0.0.1") {
    auto result = send_enquiry(*context, settings, form(email), std::nullopt, address);
    EXPECT_TRUE(result);
    return result ? result->id : 0;
  }

  EnquiryRecord record(long long id) {
    std::optional<EnquiryRecord> out;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) { out = repos.enquiries.by_id(id); });
    return *out;
  }

  std::vector<OutboundMessage> messages_to(const std::string& recipient) {
    std::vector<OutboundMessage> out;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) { out = repos.outbox.to_recipient(recipient); });
    return out;
  }

  EnquirySettings settings;
  Actor alice{0, domain::Role::kReference};
  Actor bob{0, domain::Role::kReference};
  Actor counter{0, domain::Role::kCounter};
  Actor administrator{0, domain::Role::kAdministrator};
  std::vector<long long> readers;
};

TEST_P(Enquiries, SendingGivesAReferenceAndAnAcknowledgementInTheChosenLanguage) {
  auto form_tc = form();
  form_tc.language = "tc";
  form_tc.library = "KLN";
  auto result = send_enquiry(*context, settings, form_tc, std::nullopt, "10.0.0.1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->reference.size(), 10u);  // "Q" + 4 + "-" + 4
  EXPECT_EQ(result->reference[0], 'Q');
  EXPECT_EQ(result->reference[5], '-');
  auto stored = record(result->id);
  EXPECT_EQ(stored.status, EnquiryStatus::kNew);
  EXPECT_EQ(stored.library_code, "KLN");
  EXPECT_EQ(stored.name, "Chan Tai Man");
  auto messages = messages_to("chan@example.com");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, "enquiry_received");
  EXPECT_EQ(messages[0].language, domain::Language::kTraditionalChinese);
  EXPECT_EQ(decode_fields(messages[0].params)["reference"], result->reference);
  // Two enquiries get different references.
  EXPECT_NE(send_enquiry(*context, settings, form(), std::nullopt, "10.0.0.1")->reference, result->reference);
}

TEST_P(Enquiries, ValidationAndUnknownLibraryAreFieldErrors) {
  auto bad = form("not-an-address");
  bad.library = "NOPE";
  auto result = send_enquiry(*context, settings, bad, std::nullopt, "10.0.0.1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().fields.at(0).field, "email");
  auto unknown = form();
  unknown.library = "NOPE";
  auto refused = send_enquiry(*context, settings, unknown, std::nullopt, "10.0.0.1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "library");
  EXPECT_EQ(count("SELECT COUNT(*) FROM enquiries"), 0);
}

TEST_P(Enquiries, RateLimitsPerAddressPerHourAndPerEmailPerDay) {
  settings.per_address_per_hour = 3;
  settings.per_email_per_day = 2;
  EXPECT_TRUE(send_enquiry(*context, settings, form("a@example.com"), std::nullopt, "10.0.0.1"));
  EXPECT_TRUE(send_enquiry(*context, settings, form("a@example.com"), std::nullopt, "10.0.0.2"));
  EXPECT_EQ(send_enquiry(*context, settings, form("a@example.com"), std::nullopt, "10.0.0.3").error().code,
            ErrorCode::kTooManyEnquiriesForEmail);
  EXPECT_TRUE(send_enquiry(*context, settings, form("b@example.com"), std::nullopt, "10.0.0.1"));
  EXPECT_TRUE(send_enquiry(*context, settings, form("c@example.com"), std::nullopt, "10.0.0.1"));
  EXPECT_EQ(send_enquiry(*context, settings, form("d@example.com"), std::nullopt, "10.0.0.1").error().code,
            ErrorCode::kTooManyEnquiries);
  clock->set(clock->now() + std::chrono::minutes(61));  // the address may send again; the email not yet
  EXPECT_TRUE(send_enquiry(*context, settings, form("d@example.com"), std::nullopt, "10.0.0.1"));
  EXPECT_EQ(send_enquiry(*context, settings, form("a@example.com"), std::nullopt, "10.0.0.4").error().code,
            ErrorCode::kTooManyEnquiriesForEmail);
  clock->set(clock->now() + std::chrono::hours(24));
  EXPECT_TRUE(send_enquiry(*context, settings, form("a@example.com"), std::nullopt, "10.0.0.4"));
  // Refused attempts made no enquiry.
  EXPECT_EQ(count("SELECT COUNT(*) FROM enquiries"), 6);
}

TEST_P(Enquiries, StaffQueueIsOldestFirstAndNeedsThePermission) {
  const auto first = sent("a@example.com");
  clock->set(clock->now() + std::chrono::minutes(5));
  const auto second = sent("b@example.com");
  auto queue = enquiry_queue(*context, alice, {});
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->entries.size(), 2u);
  EXPECT_EQ(queue->entries[0].id, first);
  EXPECT_EQ(queue->entries[1].id, second);
  EXPECT_EQ(queue->total, 2);
  EXPECT_TRUE(enquiry_queue(*context, administrator, {}));
  EXPECT_EQ(enquiry_queue(*context, counter, {}).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(enquiry_detail(*context, counter, first).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(claim_enquiry(*context, counter, first).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(close_enquiry(*context, counter, first).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(enquiry_detail(*context, alice, 999999).error().code, ErrorCode::kNotFound);
  EnquiryFilter answered;
  answered.statuses = {EnquiryStatus::kAnswered};
  EXPECT_TRUE(enquiry_queue(*context, alice, answered)->entries.empty());
}

TEST_P(Enquiries, ClaimReplyAndCloseAreAuditedAndTheReplyIsEmailed) {
  const auto id = sent();
  EXPECT_EQ(reply_to_enquiry(*context, alice, id, "Try the Hong Kong Collection.").error().code,
            ErrorCode::kEnquiryNotClaimed);
  ASSERT_TRUE(claim_enquiry(*context, alice, id));
  EXPECT_TRUE(claim_enquiry(*context, alice, id));  // already hers: no harm
  EXPECT_EQ(record(id).claimed_by_name, "Alice Reference");
  EXPECT_EQ(claim_enquiry(*context, bob, id).error().code, ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(reply_to_enquiry(*context, bob, id, "Me too").error().code, ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(reply_to_enquiry(*context, alice, id, "   ").error().fields.at(0).field, "reply");
  ASSERT_TRUE(reply_to_enquiry(*context, alice, id, "Try the Hong Kong Collection on the 8th floor."));
  auto stored = record(id);
  EXPECT_EQ(stored.status, EnquiryStatus::kAnswered);
  EXPECT_TRUE(stored.answered_at);
  auto messages = messages_to("chan@example.com");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].kind, "enquiry_reply");
  EXPECT_EQ(decode_fields(messages[1].params)["reply"], "Try the Hong Kong Collection on the 8th floor.");
  ASSERT_TRUE(close_enquiry(*context, bob, id));  // answered: anyone may close it
  EXPECT_EQ(record(id).status, EnquiryStatus::kClosed);
  EXPECT_EQ(close_enquiry(*context, alice, id).error().code, ErrorCode::kEnquiryClosed);
  EXPECT_EQ(claim_enquiry(*context, alice, id).error().code, ErrorCode::kEnquiryClosed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action IN ('enquiry.claim', 'enquiry.reply', "
                  "'enquiry.close') AND subject = 'enquiry:" +
                  std::to_string(id) + "'"),
            3);
  auto detail = enquiry_detail(*context, alice, id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->contact_email, "chan@example.com");
  ASSERT_EQ(detail->events.size(), 3u);
  EXPECT_EQ(detail->events[1].kind, "reply");
  EXPECT_EQ(detail->events[1].staff_name, "Alice Reference");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'enquiry.view'"), 1);
}

// A claim can be given up by whoever holds it, or by an administrator for a colleague who is away: the
// enquiry is new again and anyone may claim it.
TEST_P(Enquiries, AClaimIsReleasedByItsHolderOrAnAdministrator) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    administrator.staff_id =
        repos.staff.insert({0, "admin", "Admin", domain::Role::kAdministrator, false}, "x", clock->now());
  });
  const auto id = sent();
  EXPECT_TRUE(release_enquiry(*context, alice, id));  // nobody holds it: nothing to give up
  ASSERT_TRUE(claim_enquiry(*context, alice, id));
  EXPECT_EQ(release_enquiry(*context, bob, id).error().code, ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(release_enquiry(*context, counter, id).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(release_enquiry(*context, alice, id));
  EXPECT_EQ(record(id).status, EnquiryStatus::kNew);
  EXPECT_FALSE(record(id).claimed_by);
  ASSERT_TRUE(claim_enquiry(*context, bob, id));
  ASSERT_TRUE(release_enquiry(*context, administrator, id));  // Bob is away
  ASSERT_TRUE(claim_enquiry(*context, alice, id));
  EXPECT_EQ(record(id).claimed_by_name, "Alice Reference");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'enquiry.release' AND subject = 'enquiry:" +
                  std::to_string(id) + "'"),
            2);
}

TEST_P(Enquiries, OfTwoStaffClaimingAtOnceExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    const auto id = sent("race" + std::to_string(round) + "@example.com", "10.0.2." + std::to_string(round));
    std::vector<Actor> staff;
    for (int i = 0; i < 8; ++i) staff.push_back(i % 2 ? alice : bob);
    // Eight claims from the two of them: one gets it; the other's claims are refused.
    std::atomic<int> alice_won{0}, bob_won{0}, refused{0};
    std::vector<std::thread> threads;
    for (const auto& actor : staff)
      threads.emplace_back([&, actor] {
        auto result = claim_enquiry(*context, actor, id);
        if (!result) {
          if (result.error().code == ErrorCode::kEnquiryClaimedByAnother) ++refused;
          return;
        }
        if (actor.staff_id == alice.staff_id)
          ++alice_won;
        else
          ++bob_won;
      });
    for (auto& thread : threads) thread.join();
    const auto winner = record(id).claimed_by;
    ASSERT_TRUE(winner);
    // The winner's own repeated claims succeed too; the loser's are all refused.
    EXPECT_TRUE((alice_won == 4 && bob_won == 0) || (bob_won == 4 && alice_won == 0));
    EXPECT_EQ(refused.load(), 4);
    EXPECT_EQ(*winner, alice_won == 4 ? alice.staff_id : bob.staff_id);
    EXPECT_EQ(count("SELECT COUNT(*) FROM enquiry_events WHERE kind = 'claim' AND enquiry_id = " + std::to_string(id)),
              1);
  }
}

TEST_P(Enquiries, TransferMovesItToAnotherLibrarysQueueUnclaimed) {
  auto at_cl = form();
  at_cl.library = "CL";
  const auto id = send_enquiry(*context, settings, at_cl, std::nullopt, "10.0.0.1")->id;
  ASSERT_TRUE(claim_enquiry(*context, alice, id));
  EXPECT_EQ(transfer_enquiry(*context, bob, id, "KLN", "Theirs").error().code, ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(transfer_enquiry(*context, alice, id, "CL", "Same").error().fields.at(0).code, ErrorCode::kSameLibrary);
  EXPECT_EQ(transfer_enquiry(*context, alice, id, "", "").error().fields.size(), 2u);
  ASSERT_TRUE(transfer_enquiry(*context, alice, id, "KLN", "Kowloon has the local history collection."));
  auto stored = record(id);
  EXPECT_EQ(stored.status, EnquiryStatus::kTransferred);
  EXPECT_EQ(stored.library_code, "KLN");
  EXPECT_FALSE(stored.claimed_by);

  std::optional<long long> cl, kln;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    cl = repos.libraries.by_code("CL")->id;
    kln = repos.libraries.by_code("KLN")->id;
  });
  EnquiryFilter cl_queue;
  cl_queue.library_id = cl;
  EXPECT_TRUE(enquiry_queue(*context, alice, cl_queue)->entries.empty());
  EnquiryFilter kln_queue;
  kln_queue.library_id = kln;
  kln_queue.statuses = {EnquiryStatus::kTransferred};
  ASSERT_EQ(enquiry_queue(*context, bob, kln_queue)->entries.size(), 1u);
  ASSERT_TRUE(claim_enquiry(*context, bob, id));
  auto detail = enquiry_detail(*context, bob, id);
  EXPECT_EQ(detail->events.at(1).kind, "transfer");
  EXPECT_EQ(detail->events.at(1).body, "Kowloon has the local history collection.");
  EXPECT_EQ(detail->events.at(1).from_library_id, cl);
}

TEST_P(Enquiries, ReadersSeeOnlyTheirOwnEnquiriesAndReplies) {
  auto mine = send_enquiry(*context, settings, {"", "", "borrowing", "en", "", "Can I renew a book twice?"}, readers[0],
                           "10.0.0.1");
  ASSERT_TRUE(mine);
  auto theirs = send_enquiry(*context, settings, {"", "", "other", "tc", "", "Is the library open on Sunday?"},
                             readers[1], "10.0.0.1");
  ASSERT_TRUE(theirs);
  EXPECT_EQ(messages_to("r1@example.com").at(0).kind, "enquiry_received");  // the reader's own address
  ASSERT_TRUE(claim_enquiry(*context, alice, mine->id));
  ASSERT_TRUE(reply_to_enquiry(*context, alice, mine->id, "Yes, unless someone has reserved it."));
  auto first = reader_enquiries(*context, readers[0]);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].record.reference, mine->reference);
  ASSERT_EQ(first[0].replies.size(), 1u);
  EXPECT_EQ(first[0].replies[0].body, "Yes, unless someone has reserved it.");
  auto second = reader_enquiries(*context, readers[1]);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].record.reference, theirs->reference);
  EXPECT_TRUE(second[0].replies.empty());
  EXPECT_EQ(record(mine->id).reader_name, "Reader R1");
  EXPECT_TRUE(record(mine->id).email.empty());  // the account has it; not copied
}

TEST_P(Enquiries, FaqIsWrittenFromAnEnquiryWithoutTheEnquirerAndIsSearchable) {
  const auto id = sent();
  ASSERT_TRUE(claim_enquiry(*context, alice, id));
  ASSERT_TRUE(reply_to_enquiry(*context, alice, id, "The Hong Kong Collection has maps from 1845."));
  auto draft = faq_draft_from(*context, alice, id);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->question_en, "Where can I find old maps of Kowloon City?");
  EXPECT_EQ(draft->answer_en, "The Hong Kong Collection has maps from 1845.");
  EXPECT_EQ(draft->question_en.find("Chan"), std::string::npos);
  EXPECT_EQ(faq_draft_from(*context, counter, id).error().code, ErrorCode::kPermissionDenied);

  draft->question_tc = "哪裏可以找到九龍城的舊地圖？";
  draft->answer_tc = "香港資料特藏有1845年以來的地圖。";
  auto published = publish_faq(*context, alice, id, draft.value());
  ASSERT_TRUE(published);
  EXPECT_EQ(publish_faq(*context, alice, std::nullopt, {"Only a question", "", "", ""}).error().fields.at(0).field,
            "answer_en");
  EXPECT_EQ(publish_faq(*context, counter, std::nullopt, draft.value()).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(publish_faq(*context, bob, std::nullopt, {"How do I renew?", "In My Account.", "", ""}));

  EXPECT_EQ(published_faqs(*context, "").size(), 2u);
  EXPECT_EQ(published_faqs(*context, "KOWLOON maps").size(), 1u);  // every word, any case
  EXPECT_EQ(published_faqs(*context, "kowloon renew").size(), 0u);
  EXPECT_EQ(published_faqs(*context, "九龍城").size(), 1u);
  EXPECT_EQ(published_faqs(*context, "100%").size(), 0u);  // LIKE's characters are literal
  EXPECT_EQ(published_faqs(*context, "_").size(), 0u);

  ASSERT_TRUE(unpublish_faq(*context, alice, published->id));
  EXPECT_EQ(published_faqs(*context, "").size(), 1u);
  EXPECT_EQ(staff_faqs(*context, alice)->size(), 2u);
  EXPECT_EQ(unpublish_faq(*context, alice, 999999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action IN ('faq.publish', 'faq.unpublish')"), 3);
}

TEST_P(Enquiries, ClosedNonReaderEnquiriesLoseNameAndEmailAfterTheRetentionPeriod) {
  const auto old_one = sent("old@example.com");
  const auto open_one = sent("open@example.com");
  const auto reader_one =
      send_enquiry(*context, settings, {"", "", "other", "en", "", "A reader's question here."}, readers[0], "10.0.0.1")
          ->id;
  ASSERT_TRUE(close_enquiry(*context, alice, old_one));
  ASSERT_TRUE(close_enquiry(*context, alice, reader_one));
  clock->set(clock->now() + settings.keep_contact_after_close - std::chrono::hours(1));
  EXPECT_EQ(anonymise_enquiries(*context, settings), 0);
  clock->set(clock->now() + std::chrono::hours(2));
  EXPECT_EQ(anonymise_enquiries(*context, settings), 1);
  EXPECT_EQ(anonymise_enquiries(*context, settings), 0);  // once
  auto old_record = record(old_one);
  EXPECT_TRUE(old_record.name.empty());
  EXPECT_TRUE(old_record.email.empty());
  EXPECT_TRUE(old_record.anonymised_at);
  EXPECT_EQ(old_record.question, "Where can I find old maps of Kowloon City?");  // kept for statistics and FAQ
  EXPECT_EQ(record(open_one).email, "open@example.com");                         // still waiting: kept
  EXPECT_EQ(count("SELECT COUNT(*) FROM enquiries WHERE email LIKE '%old@%' OR name = 'Chan Tai Man' AND "
                  "status = 'closed'"),
            0);
}

TEST_P(Enquiries, AReaderWithdrawnByRegistrationLeavesTheEnquiryWithoutAnEnquirer) {
  auto sent = send_enquiry(*context, settings, {"", "", "other", "en", "", "Is my application approved yet?"},
                           readers[0], "10.0.0.1");
  ASSERT_TRUE(sent);
  bool deleted = false;
  store->transact(Store::Mode::kWrite,
                  [&](Repositories& repos) { deleted = repos.registrations.withdraw_reader(readers[0]); });
  EXPECT_TRUE(deleted);
  auto stored = record(sent->id);
  EXPECT_FALSE(stored.reader_id);
  EXPECT_EQ(stored.question, "Is my application approved yet?");
  EXPECT_TRUE(reader_enquiries(*context, readers[0]).empty());
}

SHELFMARK_ON_BOTH_BACKENDS(Enquiries);

}  // namespace
}  // namespace shelfmark::app
