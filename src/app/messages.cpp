#include "app/messages.h"

#include <functional>

#include "app/reader_account.h"
#include "core/text.h"

namespace shelfmark::app {

bool enqueue_message(Repositories& repos, Instant now, const Recipient& recipient, const std::string& kind,
                     domain::Language language, const std::map<std::string, std::string>& params) {
  OutboundMessage message;
  if (!recipient.email.empty()) {
    message.channel = "email";
    message.recipient = recipient.email;
  } else if (!recipient.mobile.empty()) {
    message.channel = "sms";
    message.recipient = recipient.mobile;
  } else {
    return false;
  }
  message.kind = kind;
  message.language = language;
  message.params = encode_fields(params);
  message.created_at = now;
  message.next_attempt_at = now;
  repos.outbox.enqueue(message);
  return true;
}

bool notify_reader(Repositories& repos, Instant now, long long reader_id, const std::string& kind,
                   const std::map<std::string, std::string>& params) {
  const auto settings = repos.registrations.reader_settings(reader_id);
  if (!settings || settings->channel == "none") return false;
  const Recipient recipient =
      settings->channel == "sms" ? Recipient{"", settings->mobile} : Recipient{settings->email, ""};
  return enqueue_message(repos, now, recipient, kind, settings->language, params);
}

int queue_reader_notices(const Context& context, const NoticePolicy& policy) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  int queued = 0;
  for (const std::string kind : {"reservation_ready", "reservation_expiring", "due_soon", "overdue"}) {
    const auto soon = kind == "reservation_expiring" ? today : today + std::chrono::days(policy.due_soon_days);
    for (;;) {
      std::vector<NoticeCandidate> candidates;
      context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
        candidates = repos.outbox.notice_candidates(kind, today, soon, policy.batch);
      });
      if (candidates.empty()) break;
      for (const auto& candidate : candidates) {
        context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
          if (!repos.outbox.mark_notice_sent(kind, candidate.subject, now)) return;
          const Recipient recipient{candidate.channel == "email" ? candidate.email : "",
                                    candidate.channel == "sms" ? candidate.mobile : ""};
          std::map<std::string, std::string> params{{"title", candidate.title}};
          if (candidate.date) params["date"] = format_iso_date(*candidate.date);
          params["library"] =
              candidate.language == domain::Language::kEnglish ? candidate.library_en : candidate.library_tc;
          if (enqueue_message(repos, now, recipient, kind, candidate.language, params)) ++queued;
        });
      }
      if (static_cast<int>(candidates.size()) < policy.batch) break;
    }
  }
  return queued;
}

namespace {

// Delivery of one channel: due messages are composed and handed to `send` outside any transaction (a slow
// server must not hold database locks), then marked sent, retried with back-off, or failed and audited.
DeliveryReport deliver(const Context& context, const std::string& channel, MessageComposer& composer,
                       const DeliveryPolicy& policy,
                       const std::function<SendOutcome(const OutboundMessage&, const ComposedMessage&)>& send) {
  DeliveryReport report;
  std::vector<OutboundMessage> due;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    due = repos.outbox.due(channel, context.clock.now(), policy.batch);
  });
  for (const auto& queued : due) {
    auto message = queued;
    std::optional<SendOutcome> refused;
    if (message.kind == "password_reset") {
      // The link's token is made now, for this send only: the outbox never holds it.
      if (const auto token = issue_password_reset_link(context, message)) {
        auto values = decode_fields(message.params);
        values["token"] = *token;
        message.params = encode_fields(values);
      } else {
        refused = SendOutcome{SendOutcome::Kind::kPermanentFailure,
                              "no reset link made: the request has lapsed or the account's email address changed"};
      }
    }
    const auto composed = refused ? std::nullopt : composer.compose(message);
    const SendOutcome outcome =
        refused    ? *refused
        : composed ? send(message, *composed)
                   : SendOutcome{SendOutcome::Kind::kPermanentFailure, "no text for message kind " + message.kind};
    const auto now = context.clock.now();
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      if (outcome.kind == SendOutcome::Kind::kSent) {
        // The values of a reset message lead to the reader's account: not kept once sent.
        repos.outbox.mark_sent(message.id, now, message.kind == "password_reset");
        ++report.sent;
      } else if (outcome.kind == SendOutcome::Kind::kTemporaryFailure && message.attempts + 1 < policy.max_attempts) {
        repos.outbox.mark_retry(message.id, now + policy.first_retry * (1 << message.attempts), outcome.detail);
        ++report.retried;
      } else {
        repos.outbox.mark_failed(message.id, now, outcome.detail);
        repos.audit.record({now, std::nullopt, "message.failed", "message:" + std::to_string(message.id),
                            message.kind + ": " + outcome.detail});
        ++report.failed;
      }
    });
  }
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    report.scrubbed = repos.outbox.scrub(context.clock.now() - policy.keep_text_for);
  });
  return report;
}

}  // namespace

DeliveryReport deliver_email(const Context& context, MessageComposer& composer, MailTransport& transport,
                             const DeliveryPolicy& policy) {
  return deliver(context, "email", composer, policy, [&](const OutboundMessage& message, const ComposedMessage& text) {
    return transport.send(OutgoingEmail{message.recipient, text.subject, text.body,
                                        "outbox-" + std::to_string(message.id) + "@" + policy.message_id_domain});
  });
}

DeliveryReport deliver_sms(const Context& context, MessageComposer& composer, SmsTransport& transport,
                           const DeliveryPolicy& policy) {
  return deliver(context, "sms", composer, policy, [&](const OutboundMessage& message, const ComposedMessage& text) {
    return transport.send(OutgoingSms{message.recipient, text.body, "outbox-" + std::to_string(message.id)});
  });
}

}  // namespace shelfmark::app
