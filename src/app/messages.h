// Messages to applicants and readers: written to the outbox in the same transaction as the change they tell
// of, and delivered afterwards by a job (email through the MailTransport port). The text is composed at
// delivery in the recipient's language by a MessageComposer (the web adapter's translations), so the outbox
// keeps only the kind of message and its values.
//
// Delivery is at least once: a node that dies between sending and recording it may send that one message
// again. With several nodes the job lease keeps two nodes from delivering at the same time.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "app/media_ports.h"
#include "app/ports.h"
#include "app/registration_ports.h"

namespace shelfmark::app {

struct Recipient {
  std::string email;   // preferred when present
  std::string mobile;  // otherwise SMS
};
// False when the recipient has neither (nothing is queued).
bool enqueue_message(Repositories& repos, Instant now, const Recipient& recipient, const std::string& kind,
                     domain::Language language, const std::map<std::string, std::string>& params);

// A notice the reader is owed because of something they did or waited for (an enrolment, a place from a
// waiting list): through the channel they chose in My Setting, and nothing when they chose none (the account
// pages show it too). False when nothing was queued.
bool notify_reader(Repositories& repos, Instant now, long long reader_id, const std::string& kind,
                   const std::map<std::string, std::string>& params);

struct ComposedMessage {
  std::string subject;
  std::string body;
};
class MessageComposer {
 public:
  virtual ~MessageComposer() = default;
  // Nullopt for a kind it does not know (the message is then marked failed: a programming error).
  virtual std::optional<ComposedMessage> compose(const OutboundMessage& message) = 0;
};

struct DeliveryPolicy {
  int max_attempts = 6;                                       // then the message is marked failed and reported
  std::chrono::seconds first_retry{std::chrono::minutes(1)};  // doubled after each failure: 1, 2, 4, 8, 16 min
  int batch = 100;
  std::string message_id_domain = "shelfmark.invalid";
  std::chrono::seconds keep_text_for{std::chrono::days(30)};  // then recipient and values are scrubbed
};

struct DeliveryReport {
  int sent = 0;
  int retried = 0;
  int failed = 0;
  int scrubbed = 0;
};
// Notices to readers about their reservations and loans, each once: a reservation ready to collect, one on
// its last day to collect, an item due in `due_soon_days`, an item overdue. Only readers who asked for that
// topic, through the channel they chose (My Setting). Returns how many were queued.
struct NoticePolicy {
  int due_soon_days = 3;
  int batch = 500;
};
int queue_reader_notices(const Context& context, const NoticePolicy& policy);

DeliveryReport deliver_email(const Context& context, MessageComposer& composer, MailTransport& transport,
                             const DeliveryPolicy& policy);
// The same for messages whose channel is SMS (readers and applicants without an email address, or who chose
// SMS in My Setting): the message's text, without its subject line, through the SMS gateway.
DeliveryReport deliver_sms(const Context& context, MessageComposer& composer, SmsTransport& transport,
                           const DeliveryPolicy& policy);

}  // namespace shelfmark::app
