#include "app/circulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "app/circulation_internal.h"
#include "app/idempotency.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::Failure;
using domain::Outcome;
using namespace internal;

namespace {

bool override_applies(const domain::Decision& decision, const std::optional<Override>& override_refusals) {
  return override_refusals && !override_refusals->reason.empty() && decision.overridable();
}

std::string refusal_names(const domain::Decision& decision) {
  std::string names;
  for (const auto& refusal : decision.refusals)
    names += (names.empty() ? "" : ",") + std::string(domain::error_info(refusal.code).name);
  return names;
}

std::string explanation_json(const domain::FineExplanation& fine) {
  std::string suspended;
  for (const auto& part : fine.suspensions)
    suspended += (suspended.empty() ? "" : ",") + std::string("{\"suspension_id\":") +
                 std::to_string(part.suspension_id) + ",\"from\":\"" + format_iso_date(part.first_day) +
                 "\",\"to\":\"" + format_iso_date(part.last_day) + "\",\"days\":" + std::to_string(part.days) + "}";
  return "{\"days_overdue\":" + std::to_string(fine.days_overdue) +
         ",\"days_suspended\":" + std::to_string(fine.days_suspended) +
         ",\"days_charged\":" + std::to_string(fine.days_charged) +
         ",\"rate_cents\":" + std::to_string(fine.rate.cents) +
         ",\"amount_cents\":" + std::to_string(fine.amount.cents) + ",\"suspended\":[" + suspended + "]}";
}

}  // namespace

std::string_view channel_code(Channel channel) {
  switch (channel) {
    case Channel::kCounter:
      return "counter";
    case Channel::kSelfCheck:
      return "self_check";
    case Channel::kBookDrop:
      return "book_drop";
    case Channel::kSelfServiceStation:
      return "self_service_station";
    case Channel::kWeb:
      return "web";
    case Channel::kSip2:
      return "sip2";
  }
  return "counter";
}

bool staff_may_override(const domain::Failure& refusal) {
  domain::Decision decision;
  for (const auto& field : refusal.fields) {
    if (!field.field.empty()) return false;  // an unknown card or item, not a rule
    decision.refusals.push_back({field.code, field.params});
  }
  return !decision.allowed() && decision.overridable();
}

std::string reference_number(long long event_id) {
  auto digits = std::to_string(event_id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return "R" + digits;
}

Outcome<CheckOutResult> check_out(const Context& context, NetworkCache& network, const CheckOutInput& input) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  const Idempotent<CheckOutResult> request(
      "check_out", input.idempotency_key,
      [](const CheckOutResult& r) -> std::vector<std::pair<std::string, std::string>> {
        return {{"loan_id", std::to_string(r.loan_id)},
                {"barcode", r.barcode},
                {"title", r.title},
                {"due_on", format_iso_date(r.due_on)}};
      },
      [](StoredFields& f) {
        return CheckOutResult{std::stoll(f["loan_id"]), f["barcode"], f["title"], *parse_iso_date(f["due_on"]), true};
      });
  return write_idempotent(
      context, request,
      [&](Repositories& repos) -> Outcome<CheckOutResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        auto item = repos.circulation.item_by_barcode(input.barcode);
        if (!item) return not_found("barcode");
        const auto snapshot = network.get(repos);
        // Online, an e-book is lent by the library that holds its licence.
        const bool online = input.channel == Channel::kWeb;
        const auto* library = snapshot->find(online ? item->facts.home_library_id : input.library_id);
        if (!library) return not_found("library");
        const auto& policies = snapshot->policies;
        const auto policy = domain::resolve_policy(policies, reader->category, item->facts, library->id);
        const bool ebook = item->facts.type == domain::ItemType::kEBook;
        domain::ItemSnapshot item_snapshot{item->id, item->facts, item->status, std::nullopt, std::nullopt};
        if (item->status == domain::ItemStatus::kOnLoan)
          if (auto open = repos.circulation.open_loan_of_item(item->id)) item_snapshot.on_loan_to = open->reader_id;
        std::optional<ReservationRecord> holding;
        if (item->status == domain::ItemStatus::kOnHoldShelf || item->status == domain::ItemStatus::kInTransit)
          holding = repos.circulation.reservation_holding_item(item->id);
        if (holding) item_snapshot.held_for = holding->reader_id;
        auto decision = domain::check_out_decision(snapshot_of(*reader, repos, today), item_snapshot, policy,
                                                   policies.limits, today);
        for (auto& refusal : domain::lending_channel_decision(item->facts.type, online).refusals)
          decision.refusals.insert(decision.refusals.begin(), refusal);
        const bool overridden = !decision.allowed() && override_applies(decision, input.override_refusals);
        if (!decision.allowed() && !overridden) {
          // Under PostgreSQL's read committed, the same request may have committed since we first looked:
          // then the item is on loan to this reader because of it, and the answer is its answer.
          if (auto earlier = request.earlier(repos)) return *earlier;
          return refused(decision);
        }
        LoanRecord loan;
        loan.item_id = item->id;
        loan.reader_id = reader->id;
        loan.library_id = library->id;
        loan.channel = std::string(channel_code(input.channel));
        loan.checked_out_at = now;
        // An e-book is returned by itself, so its due date need not fall on a day the library opens.
        loan.due_on = ebook ? today + std::chrono::days(policy.loan_days)
                            : domain::due_date(today, policy.loan_days, *library, snapshot->holidays);
        loan.id = repos.circulation.insert_loan(loan);
        repos.circulation.set_item_location(item->id, domain::ItemStatus::kOnLoan, library->id, std::nullopt);
        std::optional<long long> staff;
        std::string reason;
        if (overridden) {
          staff = input.override_refusals->staff_id;
          reason = input.override_refusals->reason;
          repos.audit.record({now, staff, "circulation.override", "loan:" + std::to_string(loan.id),
                              "refusals=" + refusal_names(decision) + "; reason=" + reason});
        }
        repos.circulation.add_loan_event(loan.id, "check_out", now, loan.due_on, staff, reason);
        // Collecting a reservation: it is fulfilled, and its fee is charged now.
        if (holding && holding->reader_id == reader->id && holding->status == domain::ReservationStatus::kReady) {
          holding->status = domain::ReservationStatus::kCollected;
          repos.circulation.update_reservation(*holding, domain::ReservationStatus::kReady, now);
          if (policies.limits.reservation_fee.cents > 0 && !ebook)
            repos.circulation.add_charge({reader->id, loan.id, "reservation_fee", policies.limits.reservation_fee,
                                          "{\"reservation_id\":" + std::to_string(holding->id) + "}", now});
        }
        return CheckOutResult{loan.id, item->barcode, item->title, loan.due_on, false};
      },
      // Another checkout of the item won.
      []() -> Outcome<CheckOutResult> {
        return Failure{ErrorCode::kItemNotAvailable, {{"", ErrorCode::kItemNotAvailable, {}}}};
      });
}

Outcome<CheckInResult> check_in(const Context& context, NetworkCache& network, const CheckInInput& input) {
  const auto now = context.clock.now();
  const auto returned_at = input.returned_at.value_or(now);
  const Idempotent<CheckInResult> request(
      "check_in", input.idempotency_key,
      [](const CheckInResult& r) -> std::vector<std::pair<std::string, std::string>> {
        return {{"was_on_loan", r.was_on_loan ? "1" : "0"},
                {"barcode", r.barcode},
                {"title", r.title},
                {"routing", std::to_string(static_cast<int>(r.routing.routing))},
                {"to_library", r.routing.to_library_id ? std::to_string(*r.routing.to_library_id) : ""},
                {"reservation", r.routing.reservation_id ? std::to_string(*r.routing.reservation_id) : ""},
                {"fine", std::to_string(r.fine.cents)}};
      },
      [](StoredFields& f) {
        CheckInResult result;
        result.was_on_loan = f["was_on_loan"] == "1";
        result.barcode = f["barcode"];
        result.title = f["title"];
        result.routing.routing = static_cast<domain::Routing>(std::stoi(f["routing"]));
        if (!f["to_library"].empty()) result.routing.to_library_id = std::stoll(f["to_library"]);
        // Older stored answers lack it; a replay must say what the first answer said (a transit for a hold).
        if (!f["reservation"].empty()) result.routing.reservation_id = std::stoll(f["reservation"]);
        result.fine = {std::stoll(f["fine"])};
        return result;
      });
  return write_idempotent(
      context, request,
      [&](Repositories& repos) -> Outcome<CheckInResult> {
        auto item = repos.circulation.item_by_barcode(input.barcode);
        if (!item) return not_found("barcode");
        const auto snapshot = network.get(repos);
        const auto* here = snapshot->find(input.library_id);
        if (!here) return not_found("library");
        CheckInResult result;
        result.barcode = item->barcode;
        result.title = item->title;
        if (auto loan = repos.circulation.open_loan_of_item(item->id)) {
          result.was_on_loan = true;
          // Returned by someone else meanwhile: start again from a fresh reading (it is then not on loan).
          if (!repos.circulation.close_loan(loan->id, returned_at, here->id))
            throw StoreError(StoreError::Kind::kBusy, "loan closed concurrently");
          repos.circulation.add_loan_event(loan->id, "check_in", now, std::nullopt, std::nullopt, "");
          const auto* lent_at = snapshot->find(loan->library_id);
          auto reader = repos.circulation.reader_by_id(loan->reader_id);
          const auto policy =
              domain::resolve_policy(snapshot->policies, reader ? reader->category : domain::ReaderCategory::kAdult,
                                     item->facts, loan->library_id);
          const domain::LoanForFine fine_facts{
              context.zone.to_local(loan->checked_out_at).date, loan->due_on, loan->library_id,
              lent_at ? lent_at->kind : domain::LibraryKind::kDistrict, policy.fine_per_day};
          const auto fine = domain::overdue_fine(fine_facts, context.zone.to_local(returned_at).date,
                                                 repos.circulation.fine_suspensions());
          if (fine.amount.cents > 0) {
            repos.circulation.add_charge(
                {loan->reader_id, loan->id, "overdue", fine.amount, explanation_json(fine), now});
            result.fine = fine.amount;
          }
        } else {
          // A return has its loan event, which search follows; a copy arriving from transit has none, so the
          // catalogue feed says it moved. Before the copy's row is written: every writer takes the feed's
          // lock before the rows it changes.
          repos.catalogue.note_copy_moved(item->id, now);
        }
        result.routing =
            route_item(repos, *item, here->id, context.zone.to_local(now).date, snapshot->policies.limits, now);
        return result;
      },
      unexpected_race<CheckInResult>);
}

Outcome<RenewResult> renew(const Context& context, NetworkCache& network, const RenewInput& input) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  const Idempotent<RenewResult> request(
      "renew", input.idempotency_key,
      [](const RenewResult& r) -> std::vector<std::pair<std::string, std::string>> {
        return {{"barcode", r.barcode},
                {"title", r.title},
                {"due_on", format_iso_date(r.due_on)},
                {"reference", r.reference}};
      },
      [](StoredFields& f) {
        return RenewResult{f["barcode"], f["title"], *parse_iso_date(f["due_on"]), f["reference"], true};
      });
  return write_idempotent(
      context, request,
      [&](Repositories& repos) -> Outcome<RenewResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        auto item = repos.circulation.item_by_barcode(input.barcode);
        if (!item) return not_found("barcode");
        auto loan = repos.circulation.open_loan_of_item(item->id);
        // Another reader's loan is reported as not found: never reveal who has an item.
        if (!loan || loan->reader_id != reader->id) return not_found("barcode");
        const auto snapshot = network.get(repos);
        const auto* library = snapshot->find(loan->library_id);
        if (!library) return not_found("library");
        const auto& policies = snapshot->policies;
        const auto policy = domain::resolve_policy(policies, reader->category, item->facts, loan->library_id);
        const auto decision = domain::renew_decision(
            snapshot_of(*reader, repos, today), {loan->times_renewed, loan->due_on}, policy, policies.limits,
            repos.circulation.reserved_by_another(item->title_key, reader->id), today);
        const bool overridden = !decision.allowed() && override_applies(decision, input.override_refusals);
        if (!decision.allowed() && !overridden) return refused(decision);
        const auto due = domain::due_date(today, policy.renewal_days, *library, snapshot->holidays);
        if (!repos.circulation.renew_loan(loan->id, loan->times_renewed, due))
          throw StoreError(StoreError::Kind::kBusy, "loan renewed concurrently");
        std::optional<long long> staff;
        std::string reason;
        if (overridden) {
          staff = input.override_refusals->staff_id;
          reason = input.override_refusals->reason;
          repos.audit.record({now, staff, "circulation.override", "loan:" + std::to_string(loan->id),
                              "refusals=" + refusal_names(decision) + "; reason=" + reason});
        }
        const auto event = repos.circulation.add_loan_event(loan->id, "renew", now, due, staff, reason);
        return RenewResult{item->barcode, item->title, due, reference_number(event), false};
      },
      unexpected_race<RenewResult>);
}

Outcome<std::vector<RenewAllItem>> renew_all(const Context& context, NetworkCache& network,
                                             const std::string& card_number, Channel channel) {
  std::vector<LoanRecord> loans;
  bool known = false;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) return;
    known = true;
    loans = repos.circulation.open_loans_of_reader(reader->id);
  });
  if (!known) return not_found("card");
  std::vector<RenewAllItem> results;
  for (const auto& loan : loans)
    results.push_back(
        {loan.barcode, loan.title, renew(context, network, {card_number, loan.barcode, channel, "", std::nullopt})});
  return results;
}

Outcome<CheckInResult> return_ebook(const Context& context, NetworkCache& network, const std::string& card_number,
                                    const std::string& barcode) {
  std::optional<Outcome<CheckInResult>> refusal;
  long long home = 0;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    refusal.reset();
    auto reader = repos.circulation.reader_by_card(card_number);
    auto item = repos.circulation.item_by_barcode(barcode);
    if (!reader)
      refusal = not_found("card");
    else if (!item)
      refusal = not_found("barcode");
    else if (item->facts.type != domain::ItemType::kEBook)
      refusal = Failure{ErrorCode::kBorrowAtLibrary, {{"", ErrorCode::kBorrowAtLibrary, {}}}};
    else if (auto loan = repos.circulation.open_loan_of_item(item->id); !loan || loan->reader_id != reader->id)
      refusal = Failure{ErrorCode::kNotOnLoanToReader, {{"", ErrorCode::kNotOnLoanToReader, {}}}};
    else
      home = item->facts.home_library_id;
  });
  if (refusal) return std::move(*refusal);
  // Between the look and the return the loan may end by itself; check_in then finds it not on loan, which
  // is the same outcome for the reader.
  return check_in(context, network, {barcode, home, Channel::kWeb, std::nullopt, ""});
}

int end_expired_ebook_loans(const Context& context, NetworkCache& network) {
  const auto today = today_of(context, context.clock.now());
  std::vector<std::pair<std::string, long long>> due;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    due.clear();
    for (const auto& barcode : repos.circulation.ebook_loans_due_before(today))
      if (auto item = repos.circulation.item_by_barcode(barcode))
        due.emplace_back(barcode, item->facts.home_library_id);
  });
  int ended = 0;
  for (const auto& [barcode, home] : due) {
    // One transaction each: a failure leaves the others done, and the next run picks it up again.
    auto result = check_in(context, network, {barcode, home, Channel::kWeb, std::nullopt, ""});
    if (result && result->was_on_loan) ++ended;
  }
  return ended;
}

domain::ReaderSnapshot reader_snapshot(Repositories& repos, const ReaderRecord& reader, Date today) {
  auto snapshot = snapshot_of(reader, repos, today);
  snapshot.reservations = static_cast<int>(repos.circulation.active_reservations_of_reader(reader.id).size());
  return snapshot;
}

domain::Standing reader_standing(Repositories& repos, const ReaderRecord& reader, const domain::ReaderLimits& limits,
                                 Date today) {
  return domain::reader_standing(reader_snapshot(repos, reader, today), limits, today);
}

std::optional<CounterView> reader_at_counter(const Context& context, const std::string& card_number) {
  const auto today = today_of(context, context.clock.now());
  std::optional<CounterView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) return;
    view = CounterView{*reader,
                       {},
                       {},
                       repos.circulation.outstanding_charges(reader->id),
                       reader_standing(repos, *reader, repos.circulation.lending_policies().limits, today)};
    for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id))
      view->loans.push_back({loan.barcode, loan.title, loan.due_on, loan.times_renewed, loan.due_on < today});
    view->reservations = reservation_views(repos, reader->id);
  });
  return view;
}

}  // namespace shelfmark::app
