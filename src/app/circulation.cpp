#include "app/circulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::Failure;
using domain::Outcome;

Failure refused(const domain::Decision& decision) {
  Failure failure{decision.refusals.front().code, {}};
  for (const auto& refusal : decision.refusals) failure.fields.push_back({"", refusal.code, refusal.params});
  return failure;
}

Failure not_found(const std::string& field) {
  return Failure{ErrorCode::kNotFound, {{field, ErrorCode::kNotFound, {}}}};
}

Date today_of(const Context& context, Instant at) { return context.zone.to_local(at).date; }

// The reader's standing for the rules: counts of loans, overdue, charges.
domain::ReaderSnapshot snapshot_of(const ReaderRecord& reader, Repositories& repos, Date today) {
  domain::ReaderSnapshot snapshot;
  snapshot.id = reader.id;
  snapshot.category = reader.category;
  snapshot.status = reader.status;
  snapshot.expires_on = reader.expires_on;
  for (const auto& loan : repos.circulation.open_loans_of_reader(reader.id)) {
    if (loan.item_type == domain::ItemType::kPeriodicalBackIssue)
      ++snapshot.periodical_loans;
    else if (loan.item_type != domain::ItemType::kAccompanyingMaterial)
      ++snapshot.loans;
    if (loan.due_on < today) snapshot.has_overdue = true;
  }
  snapshot.charges_outstanding = repos.circulation.outstanding_charges(reader.id);
  return snapshot;
}

bool override_applies(const domain::Decision& decision, const std::optional<Override>& override_refusals) {
  return override_refusals && !override_refusals->reason.empty() && decision.overridable();
}

std::string refusal_names(const domain::Decision& decision) {
  std::string names;
  for (const auto& refusal : decision.refusals)
    names += (names.empty() ? "" : ",") + std::string(domain::error_info(refusal.code).name);
  return names;
}

// Idempotent results are stored with the project's one field encoding (core/text.h), which escapes
// newlines, '=' and backslashes: a title holding "\ndue_on=..." cannot forge a field of a replayed answer.
std::string encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  return encode_fields(std::map<std::string, std::string>(fields.begin(), fields.end()));
}
std::map<std::string, std::string> decode(const std::string& text) { return decode_fields(text); }

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

// Runs `work` in a write transaction. A unique violation (a racing request won) is answered by `on_race`.
template <class Result, class Work, class Race>
Outcome<Result> write_once(const Context& context, Work work, Race on_race) {
  std::optional<Outcome<Result>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { result = work(repos); });
  } catch (const StoreError& error) {
    if (error.kind() != StoreError::Kind::kUniqueViolation) throw;
    return on_race();
  }
  return std::move(*result);
}

using StoredFields = std::map<std::string, std::string>;

// A request that may arrive more than once (a terminal resending, a double-clicked form): the result of its
// first run is stored under its key and given again, marked `replayed`, to every repeat.
template <class Result>
struct Idempotent {
  std::string operation;  // "check_out"
  std::string key;        // operation + ":" + the client's key; empty when the client gave none
  std::function<std::vector<std::pair<std::string, std::string>>(const Result&)> save;
  std::function<Result(StoredFields&)> load;

  Idempotent(std::string operation_name, const std::string& client_key,
             std::function<std::vector<std::pair<std::string, std::string>>(const Result&)> save_fields,
             std::function<Result(StoredFields&)> load_fields)
      : operation(std::move(operation_name)),
        key(client_key.empty() ? "" : operation + ":" + client_key),
        save(std::move(save_fields)),
        load(std::move(load_fields)) {}

  std::optional<Result> earlier(Repositories& repos) const {
    if (key.empty()) return std::nullopt;
    auto stored = repos.circulation.idempotent_result(key);
    if (!stored) return std::nullopt;
    auto fields = decode(*stored);
    auto result = load(fields);
    result.replayed = true;
    return result;
  }
};

// One write transaction for a request that may be resent: a repeat gets the stored answer; a first run
// stores its answer with its effects; losing a unique-violation race to the same request gives the winner's
// answer, to another request whatever `on_race` says.
template <class Result, class Work, class Race>
Outcome<Result> write_idempotent(const Context& context, const Idempotent<Result>& request, Work work, Race on_race) {
  return write_once<Result>(
      context,
      [&](Repositories& repos) -> Outcome<Result> {
        if (auto earlier = request.earlier(repos)) return *earlier;
        auto result = work(repos);
        if (result && !request.key.empty())
          repos.circulation.save_idempotent_result(request.key, request.operation, encode(request.save(result.value())),
                                                   context.clock.now());
        return result;
      },
      [&]() -> Outcome<Result> {
        std::optional<Result> earlier;
        context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { earlier = request.earlier(repos); });
        if (earlier) return *earlier;
        return on_race();
      });
}

// For writes whose races are all retries of one request: any other unique violation is a fault.
template <class Result>
Outcome<Result> unexpected_race() {
  throw StoreError(StoreError::Kind::kOther, "a write raced with another that is not a retry of it");
}

// Decides where an item at `here` goes now (it has just come back, arrived in transit, been pulled from the
// shelf for a reservation, or been left on the hold shelf by an expired reservation) and records it: fills
// the first waiting reservation it can, else sends it home or back to the shelf.
// An e-book copy that comes back goes straight to the next reader waiting (ready for them to borrow online),
// or back to its library's virtual shelf: it never travels.
domain::RoutingDecision route_ebook(Repositories& repos, const ItemRecord& item, Date today,
                                    const domain::ReaderLimits& limits) {
  const auto home = item.facts.home_library_id;
  if (auto holding = repos.circulation.reservation_holding_item(item.id))
    return {domain::Routing::kHoldShelf, std::nullopt, holding->id};
  std::vector<domain::QueuedReservation> queue;
  const auto waiting = repos.circulation.waiting_for_title(item.title_key);
  for (const auto& r : waiting)
    queue.push_back({r.id, r.reader_id, r.placed_at, r.pickup_library_id, r.item_id, r.expires_on});
  if (const auto index = domain::next_reservation_to_fill(queue, item.id, today)) {
    auto reservation = waiting[*index];
    reservation.filled_item_id = item.id;
    reservation.status = domain::ReservationStatus::kReady;
    reservation.ready_on = today;
    reservation.collect_by = today + std::chrono::days(limits.hold_shelf_days);
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, home, std::nullopt);
    repos.circulation.update_reservation(reservation, domain::ReservationStatus::kWaiting, std::nullopt);
    return {domain::Routing::kHoldShelf, std::nullopt, reservation.id};
  }
  repos.circulation.set_item_location(item.id, domain::ItemStatus::kAvailable, home, std::nullopt);
  return {domain::Routing::kShelf, std::nullopt, std::nullopt};
}

domain::RoutingDecision route_item(Repositories& repos, const ItemRecord& item, long long here, Date today,
                                   const domain::ReaderLimits& limits, Instant now) {
  if (item.facts.type == domain::ItemType::kEBook) return route_ebook(repos, item, today, limits);
  // Already set aside for someone: arriving at the pick-up library makes it ready; elsewhere it travels on.
  if (auto holding = repos.circulation.reservation_holding_item(item.id)) {
    if (holding->pickup_library_id == here) {
      if (holding->status != domain::ReservationStatus::kReady) {
        const auto was = holding->status;
        holding->status = domain::ReservationStatus::kReady;
        holding->ready_on = today;
        holding->collect_by = today + std::chrono::days(limits.hold_shelf_days);
        repos.circulation.update_reservation(*holding, was, std::nullopt);
      }
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, here, std::nullopt);
      return {domain::Routing::kHoldShelf, std::nullopt, holding->id};
    }
    const auto was = holding->status;
    holding->status = domain::ReservationStatus::kInTransit;
    repos.circulation.update_reservation(*holding, was, std::nullopt);
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, holding->pickup_library_id);
    return {domain::Routing::kTransit, holding->pickup_library_id, holding->id};
  }
  std::vector<domain::QueuedReservation> queue;
  const auto waiting = repos.circulation.waiting_for_title(item.title_key);
  for (const auto& r : waiting)
    queue.push_back({r.id, r.reader_id, r.placed_at, r.pickup_library_id, r.item_id, r.expires_on});
  const auto index = domain::next_reservation_to_fill(queue, item.id, today);
  std::optional<domain::QueuedReservation> chosen;
  if (index) chosen = queue[*index];  // the queue is `waiting`, in the same order
  const auto routing = domain::route_returned_item(item.facts.home_library_id, here, chosen);
  if (chosen) {
    auto reservation = waiting[*index];
    reservation.filled_item_id = item.id;
    if (routing.routing == domain::Routing::kHoldShelf) {
      reservation.status = domain::ReservationStatus::kReady;
      reservation.ready_on = today;
      reservation.collect_by = today + std::chrono::days(limits.hold_shelf_days);
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, here, std::nullopt);
    } else {
      reservation.status = domain::ReservationStatus::kInTransit;
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, routing.to_library_id);
    }
    repos.circulation.update_reservation(reservation, domain::ReservationStatus::kWaiting, std::nullopt);
    return routing;
  }
  if (routing.routing == domain::Routing::kTransit)
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, routing.to_library_id);
  else
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kAvailable, here, std::nullopt);
  return routing;
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

std::string reservation_reference(long long reservation_id) {
  auto digits = std::to_string(reservation_id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return "H" + digits;
}

Outcome<ReservationResult> place_reservation(const Context& context, NetworkCache& network,
                                             const PlaceReservationInput& input) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  return write_once<ReservationResult>(
      context,
      [&](Repositories& repos) -> Outcome<ReservationResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        auto item = repos.circulation.item_by_barcode(input.barcode);
        if (!item) return not_found("barcode");
        const auto snapshot = network.get(repos);
        const bool ebook = item->facts.type == domain::ItemType::kEBook;
        // An e-book is borrowed online: there is nowhere to pick it up, so its own library stands in.
        const auto* pickup = ebook ? snapshot->find(item->facts.home_library_id)
                                   : snapshot->find(std::string_view(input.pickup_library_code));
        if (!pickup || pickup->kind == domain::LibraryKind::kMobile)
          return domain::invalid({{"pickup_library", ErrorCode::kInvalidChoice, {}}});
        if (ebook && !repos.circulation.available_copies(item->title_key).empty())
          return Failure{ErrorCode::kCopyAvailableNow, {{"", ErrorCode::kCopyAvailableNow, {}}}};
        const auto& policies = snapshot->policies;
        Date expires_on = today + std::chrono::days(policies.limits.max_reservation_days);
        if (!input.expires_on.empty()) {
          auto chosen = parse_iso_date(input.expires_on);
          if (!chosen || *chosen <= today || *chosen > expires_on)
            return domain::invalid({{"expires_on", ErrorCode::kInvalidDate, {}}});
          expires_on = *chosen;
        }
        const auto active = repos.circulation.active_reservations_of_reader(reader->id);
        auto standing = snapshot_of(*reader, repos, today);
        standing.reservations = static_cast<int>(active.size());
        bool has_on_loan = false;
        for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id))
          if (auto lent = repos.circulation.item_by_id(loan.item_id); lent && lent->title_key == item->title_key)
            has_on_loan = true;
        const bool already = std::any_of(active.begin(), active.end(),
                                         [&](const ReservationRecord& r) { return r.title_key == item->title_key; });
        const auto policy = domain::resolve_policy(policies, reader->category, item->facts, pickup->id);
        const auto decision = domain::reserve_decision(standing, policy, policies.limits, has_on_loan, already, today);
        if (!decision.allowed()) return refused(decision);
        ReservationRecord reservation;
        reservation.reader_id = reader->id;
        reservation.title_key = item->title_key;
        if (input.this_copy_only) reservation.item_id = item->id;
        reservation.pickup_library_id = pickup->id;
        reservation.placed_at = now;
        reservation.expires_on = expires_on;
        reservation.id = repos.circulation.insert_reservation(reservation);
        const auto queue = repos.circulation.waiting_for_title(item->title_key);
        int position = 0;
        for (const auto& r : queue) {
          ++position;
          if (r.id == reservation.id) break;
        }
        return ReservationResult{reservation.id, reservation_reference(reservation.id), expires_on, position};
      },
      [&]() -> Outcome<ReservationResult> {
        return Failure{ErrorCode::kAlreadyReserved, {{"", ErrorCode::kAlreadyReserved, {}}}};
      });
}

namespace {

// The reader's own active reservation, or NotFound (another reader's is never revealed).
Outcome<ReservationRecord> own_reservation(Repositories& repos, const std::string& card_number, long long id) {
  auto reader = repos.circulation.reader_by_card(card_number);
  if (!reader) return not_found("card");
  auto reservation = repos.circulation.reservation_by_id(id);
  if (!reservation || reservation->reader_id != reader->id || !domain::is_active(reservation->status))
    return not_found("reservation");
  return *reservation;
}

// After a reservation that held a copy on the hold shelf ends, the copy goes to the next reader or home.
void release_item(Repositories& repos, const domain::ReaderLimits& limits, const ReservationRecord& ended, Date today,
                  Instant now) {
  if (!ended.filled_item_id || ended.status != domain::ReservationStatus::kReady) return;
  if (auto item = repos.circulation.item_by_id(*ended.filled_item_id)) {
    repos.catalogue.note_copy_moved(item->id, now);  // back on the shelf, perhaps: no loan event says so
    route_item(repos, *item, ended.pickup_library_id, today, limits, now);
  }
}

}  // namespace

Outcome<domain::Done> cancel_reservation(const Context& context, NetworkCache& network, const std::string& card_number,
                                         long long reservation_id) {
  const auto now = context.clock.now();
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reservation = own_reservation(repos, card_number, reservation_id);
    if (!reservation) {
      result = reservation.error();
      return;
    }
    auto ended = reservation.value();
    const auto was = ended.status;
    ended.status = domain::ReservationStatus::kCancelled;
    repos.circulation.update_reservation(ended, was, now);
    ended.status = was;
    release_item(repos, network.get(repos)->policies.limits, ended, today_of(context, now), now);
    result = domain::Done{};
  });
  return std::move(*result);
}

Outcome<domain::Done> change_pickup_library(const Context& context, NetworkCache& network,
                                            const std::string& card_number, long long reservation_id,
                                            const std::string& library_code) {
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reservation = own_reservation(repos, card_number, reservation_id);
    if (!reservation) {
      result = reservation.error();
      return;
    }
    const auto snapshot = network.get(repos);
    const auto* library = snapshot->find(std::string_view(library_code));
    if (!library || library->kind == domain::LibraryKind::kMobile) {
      result = domain::invalid({{"pickup_library", ErrorCode::kInvalidChoice, {}}});
      return;
    }
    if (reservation->status == domain::ReservationStatus::kReady) {
      result = failure(ErrorCode::kReservationNotChangeable);
      return;
    }
    // A copy already travelling goes on to the old library and is sent on from there when it arrives.
    auto changed = reservation.value();
    changed.pickup_library_id = library->id;
    repos.circulation.update_reservation(changed, changed.status, std::nullopt);
    result = domain::Done{};
  });
  return std::move(*result);
}

ExpiryReport expire_reservations(const Context& context, NetworkCache& network) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  ExpiryReport report;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    report = ExpiryReport{};
    for (auto reservation : repos.circulation.reservations_to_expire(today)) {
      const auto was = reservation.status;
      reservation.status = domain::ReservationStatus::kExpired;
      repos.circulation.update_reservation(reservation, was, now);
      if (was == domain::ReservationStatus::kReady) {
        ++report.uncollected_expired;
        reservation.status = was;
        release_item(repos, network.get(repos)->policies.limits, reservation, today, now);
      } else {
        ++report.waiting_expired;
      }
    }
  });
  return report;
}

std::vector<HoldShelfEntry> hold_shelf(const Context& context, long long library_id) {
  std::vector<HoldShelfEntry> entries;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (const auto& reservation : repos.circulation.ready_at(library_id)) {
      HoldShelfEntry entry;
      entry.reservation_id = reservation.id;
      if (auto reader = repos.circulation.reader_by_id(reservation.reader_id)) {
        entry.card_number = reader->card_number;
        entry.reader_name = reader->name;
      }
      if (reservation.filled_item_id)
        if (auto item = repos.circulation.item_by_id(*reservation.filled_item_id)) {
          entry.barcode = item->barcode;
          entry.title = item->title;
        }
      entry.collect_by = reservation.collect_by.value_or(today_of(context, context.clock.now()));
      entries.push_back(std::move(entry));
    }
  });
  return entries;
}

Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                       std::optional<long long> staff_id) {
  const auto now = context.clock.now();
  bool found = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    found = reader.has_value();
    if (!reader || reader->status == domain::ReaderStatus::kCardReportedLost) return;
    repos.circulation.mark_card_lost(reader->id);
    repos.audit.record({now, staff_id, "reader.card_lost", "reader:" + std::to_string(reader->id), ""});
  });
  if (!found) return not_found("card");
  return domain::Done{};
}

namespace {

// Reads one number out of a stored explanation ({"days_charged":3,...}).
long long json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return 0;
  return std::atoll(json.c_str() + at + key.size() + 3);
}

std::string receipt_number(char prefix, long long id) {
  auto digits = std::to_string(id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return std::string(1, prefix) + digits;
}

domain::Money owed(const std::vector<ChargeView>& charges) {
  domain::Money total;
  for (const auto& charge : charges) total.cents += charge.outstanding.cents;
  return total;
}

}  // namespace

Outcome<std::vector<ChargeLine>> reader_charges(const Context& context, const std::string& card_number) {
  std::optional<std::vector<ChargeView>> charges;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    if (auto reader = repos.circulation.reader_by_card(card_number))
      charges = repos.circulation.charges_of_reader(reader->id);
  });
  if (!charges) return not_found("card");
  std::vector<ChargeLine> lines;
  for (const auto& charge : *charges) {
    ChargeLine line{charge.id, charge.kind, charge.title, charge.amount, charge.outstanding, charge.created_at};
    if (charge.kind == "overdue") {
      line.days_overdue = static_cast<int>(json_number(charge.explanation, "days_overdue"));
      line.days_suspended = static_cast<int>(json_number(charge.explanation, "days_suspended"));
      line.days_charged = static_cast<int>(json_number(charge.explanation, "days_charged"));
      line.rate = {json_number(charge.explanation, "rate_cents")};
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

Outcome<PaymentResult> pay_charges(const Context& context, const PaymentInput& input) {
  const auto now = context.clock.now();
  const auto amount = domain::parse_money(input.amount);
  const std::string method = input.method.empty() ? "cash" : input.method;
  if (method != "cash" && method != "octopus" && method != "card")
    return domain::invalid({{"method", ErrorCode::kInvalidChoice, {}}});
  const Idempotent<PaymentResult> request(
      "pay", input.idempotency_key,
      [](const PaymentResult& r) -> std::vector<std::pair<std::string, std::string>> {
        return {{"receipt", r.receipt},
                {"amount", std::to_string(r.amount.cents)},
                {"still_owed", std::to_string(r.still_owed.cents)}};
      },
      [](StoredFields& f) {
        return PaymentResult{f["receipt"], {std::stoll(f["amount"])}, {std::stoll(f["still_owed"])}};
      });
  return write_idempotent(
      context, request,
      [&](Repositories& repos) -> Outcome<PaymentResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        const auto charges = repos.circulation.charges_of_reader(reader->id);
        const auto total = owed(charges);
        if (!amount || amount->cents <= 0 || *amount > total)
          return domain::invalid({{"amount", ErrorCode::kAmountInvalid, {{"max", domain::format_money(total)}}}});
        std::vector<std::pair<long long, domain::Money>> outstanding;
        for (const auto& charge : charges)
          if (charge.outstanding.cents > 0) outstanding.push_back({charge.id, charge.outstanding});
        const auto id =
            repos.circulation.insert_payment(reader->id, "payment", *amount, method, "", input.staff_id, now);
        for (const auto& [charge, part] : domain::allocate_payment(outstanding, *amount))
          repos.circulation.allocate(id, charge, part);
        PaymentResult result{receipt_number('P', id), *amount, {total.cents - amount->cents}};
        repos.audit.record(
            {now, input.staff_id, "charges.payment", "reader:" + std::to_string(reader->id),
             "receipt=" + result.receipt + "; amount=" + domain::format_money(*amount) + "; method=" + method});
        return result;
      },
      unexpected_race<PaymentResult>);
}

Outcome<PaymentResult> waive_charge(const Context& context, const std::string& card_number, long long charge_id,
                                    const std::string& reason, long long staff_id) {
  const auto now = context.clock.now();
  std::vector<domain::FieldError> errors;
  domain::check_text(errors, "reason", reason, 300, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  std::optional<Outcome<PaymentResult>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) {
      result = not_found("card");
      return;
    }
    const auto charges = repos.circulation.charges_of_reader(reader->id);
    const auto it =
        std::find_if(charges.begin(), charges.end(), [&](const ChargeView& c) { return c.id == charge_id; });
    if (it == charges.end() || it->outstanding.cents <= 0) {
      result = not_found("charge");
      return;
    }
    const auto id = repos.circulation.insert_payment(reader->id, "waiver", it->outstanding, "", reason, staff_id, now);
    repos.circulation.allocate(id, charge_id, it->outstanding);
    PaymentResult waived{receipt_number('W', id), it->outstanding, {owed(charges).cents - it->outstanding.cents}};
    repos.audit.record(
        {now, staff_id, "charges.waiver", "reader:" + std::to_string(reader->id),
         "receipt=" + waived.receipt + "; amount=" + domain::format_money(waived.amount) + "; reason=" + reason});
    result = waived;
  });
  return std::move(*result);
}

std::vector<PullListEntry> pull_list(const Context& context, NetworkCache& network, long long library_id) {
  std::vector<PullListEntry> entries;
  const auto today = today_of(context, context.clock.now());
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    std::map<std::string, std::vector<domain::AvailableCopy>> copies_by_title;
    std::map<long long, ItemRecord> items;
    for (const auto& reservation : repos.circulation.all_waiting()) {
      if (reservation.expires_on < today) continue;
      auto [it, fresh] = copies_by_title.try_emplace(reservation.title_key);
      if (fresh)
        for (auto& item : repos.circulation.available_copies(reservation.title_key)) {
          const auto* at = item.current_library_id ? snapshot->find(*item.current_library_id) : nullptr;
          if (!at || item.facts.type == domain::ItemType::kEBook) continue;  // nobody fetches an e-book
          it->second.push_back({item.id, at->id, at->district});
          items.emplace(item.id, std::move(item));
        }
      const auto* pickup = snapshot->find(reservation.pickup_library_id);
      if (!pickup) continue;
      const domain::QueuedReservation queued{reservation.id,        reservation.reader_id,
                                             reservation.placed_at, reservation.pickup_library_id,
                                             reservation.item_id,   reservation.expires_on};
      auto& copies = it->second;
      if (auto chosen = domain::nearest_copy(queued, pickup->district, copies)) {
        if (copies[*chosen].library_id == library_id) {
          const auto& item = items.at(copies[*chosen].item_id);
          entries.push_back({item.barcode, item.title, pickup->code, reservation.placed_at});
        }
        copies.erase(copies.begin() + static_cast<std::ptrdiff_t>(*chosen));  // taken by this reservation
      }
    }
  });
  return entries;
}

Outcome<std::vector<domain::FineSuspension>> fine_suspensions(const Context& context, const Actor& actor) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::vector<domain::FineSuspension> all;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { all = repos.circulation.fine_suspensions(); });
  return all;
}

Outcome<domain::FineSuspension> add_fine_suspension(const Context& context, NetworkCache& network, const Actor& actor,
                                                    const FineSuspensionForm& form) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::FineSuspension>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto input = form.input;
    const auto snapshot = network.get(repos);
    for (const auto& code : form.library_codes) {
      const auto* library = snapshot->find(std::string_view(code));
      if (!library) {
        result = domain::invalid({{"libraries", ErrorCode::kInvalidChoice, {}}});
        return;
      }
      input.library_ids.push_back(library->id);
    }
    auto suspension = domain::validate_fine_suspension(input);
    if (suspension) {
      suspension->id = repos.circulation.add_fine_suspension(suspension.value());
      repos.audit.record({context.clock.now(), actor.staff_id, "policy.fine_suspension.add",
                          "fine_suspension:" + std::to_string(suspension->id),
                          format_iso_date(suspension->first_day) + ".." + format_iso_date(suspension->last_day)});
    }
    result = std::move(suspension);
  });
  return std::move(*result);
}

Outcome<domain::Done> remove_fine_suspension(const Context& context, const Actor& actor, long long id) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  bool removed = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    removed = repos.circulation.remove_fine_suspension(id);
    if (removed)
      repos.audit.record({context.clock.now(), actor.staff_id, "policy.fine_suspension.remove",
                          "fine_suspension:" + std::to_string(id), ""});
  });
  if (!removed) return failure(ErrorCode::kNotFound);
  return domain::Done{};
}

namespace {

std::string describe_rule(const domain::PolicyRule& rule) {
  const auto& p = rule.policy;
  return fmt::format("{}/{}/{}/{}: loanable={} reservable={} loan_days={} renewals={} renewal_days={} fine={}",
                     rule.reader_category ? domain::reader_category_code(*rule.reader_category) : "*",
                     rule.item_type ? domain::item_type_code(*rule.item_type) : "*",
                     rule.collection ? domain::collection_code(*rule.collection) : "*",
                     rule.library_id ? std::to_string(*rule.library_id) : "*", p.loanable, p.reservable, p.loan_days,
                     p.max_renewals, p.renewal_days, domain::format_money(p.fine_per_day));
}

}  // namespace

Outcome<domain::LendingPolicies> lending_rules(const Context& context, NetworkCache& network, const Actor& actor) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  domain::LendingPolicies policies;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { policies = network.get(repos)->policies; });
  return policies;
}

Outcome<domain::PolicyRule> save_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                              std::optional<long long> id, const LendingRuleForm& form) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::PolicyRule>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    auto input = form.input;
    if (!form.library_code.empty()) {
      const auto* library = snapshot->find(std::string_view(form.library_code));
      if (!library) {
        result = domain::invalid({{"library", ErrorCode::kInvalidChoice, {}}});
        return;
      }
      input.library_id = library->id;
    }
    auto rule = domain::validate_policy_rule(input);
    if (!rule) {
      result = std::move(rule);
      return;
    }
    const domain::PolicyRule* existing = nullptr;
    for (const auto& stored : snapshot->policies.rules) {
      if (id && stored.id == *id) existing = &stored;
    }
    if (id && !existing) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    if (existing && existing->is_catch_all() && !rule->is_catch_all()) {
      result = failure(ErrorCode::kCatchAllRuleRequired);
      return;
    }
    try {
      if (existing) {
        rule->id = *id;
        if (!repos.circulation.update_lending_rule(rule.value())) {
          result = failure(ErrorCode::kNotFound);
          return;
        }
      } else {
        rule->id = repos.circulation.insert_lending_rule(rule.value());
      }
    } catch (const StoreError& error) {
      if (error.kind() != StoreError::Kind::kUniqueViolation) throw;
      result = failure(ErrorCode::kRuleExists);
      return;
    }
    repos.audit.record({context.clock.now(), actor.staff_id,
                        existing ? "policy.lending_rule.change" : "policy.lending_rule.add",
                        "lending_rule:" + std::to_string(rule->id), describe_rule(rule.value())});
    result = std::move(rule);
  });
  return std::move(*result);
}

Outcome<domain::Done> remove_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                          long long id) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    const domain::PolicyRule* existing = nullptr;
    for (const auto& stored : snapshot->policies.rules)
      if (stored.id == id) existing = &stored;
    // The rule matching everything stays: app/ never narrows it, so being catch-all cannot change under us.
    if (existing && existing->is_catch_all()) {
      result = failure(ErrorCode::kCatchAllRuleRequired);
      return;
    }
    if (!existing || !repos.circulation.delete_lending_rule(id)) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    repos.audit.record({context.clock.now(), actor.staff_id, "policy.lending_rule.remove",
                        "lending_rule:" + std::to_string(id), describe_rule(*existing)});
    result = domain::Done{};
  });
  return std::move(*result);
}

Outcome<domain::ReaderLimits> save_reader_limits(const Context& context, const Actor& actor,
                                                 const domain::ReaderLimitsInput& input) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  auto limits = domain::validate_reader_limits(input);
  if (!limits) return limits;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.set_reader_limits(limits.value());
    const auto& l = limits.value();
    repos.audit.record({context.clock.now(), actor.staff_id, "policy.reader_limits.change", "reader_limits",
                        fmt::format("loans={} periodicals={} reservations={} fee={} hold_shelf_days={} "
                                    "reservation_days={} ceiling={} block_overdue={}",
                                    l.max_loans, l.max_periodical_loans, l.max_reservations,
                                    domain::format_money(l.reservation_fee), l.hold_shelf_days, l.max_reservation_days,
                                    domain::format_money(l.fines_ceiling), l.block_when_overdue)});
  });
  return limits;
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

std::vector<ReservationView> reservation_views(Repositories& repos, long long reader_id) {
  std::vector<ReservationView> views;
  for (const auto& r : repos.circulation.active_reservations_of_reader(reader_id)) {
    ReservationView view{r.id,
                         reservation_reference(r.id),
                         r.title,
                         r.pickup_library_id,
                         r.status,
                         0,
                         r.placed_at,
                         r.expires_on,
                         r.ready_on,
                         r.collect_by,
                         r.status != domain::ReservationStatus::kReady};
    view.ebook = repos.circulation.title_item_type(r.title_key) == domain::ItemType::kEBook;
    if (r.status == domain::ReservationStatus::kWaiting) {
      for (const auto& waiting : repos.circulation.waiting_for_title(r.title_key)) {
        ++view.position;
        if (waiting.id == r.id) break;
      }
    }
    views.push_back(std::move(view));
  }
  return views;
}

std::optional<CounterView> reader_at_counter(const Context& context, const std::string& card_number) {
  const auto today = today_of(context, context.clock.now());
  std::optional<CounterView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) return;
    view = CounterView{*reader, {}, {}, repos.circulation.outstanding_charges(reader->id),
                       reader_standing(repos, *reader, repos.circulation.lending_policies().limits, today)};
    for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id))
      view->loans.push_back({loan.barcode, loan.title, loan.due_on, loan.times_renewed, loan.due_on < today});
    view->reservations = reservation_views(repos, reader->id);
  });
  return view;
}

}  // namespace shelfmark::app
