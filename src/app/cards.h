// Library cards: reporting a card lost, replacing it at the counter, and temporary cards for non-residents.
// (A reader's first card is issued when registration completes: app/registration.h.)
#pragma once

#include <optional>
#include <string>

#include "app/notices.h"  // Actor
#include "app/ports.h"
#include "app/registration_ports.h"

namespace shelfmark::app {

// Blocks the card at once (the reader, by phone or at a counter). The replacement fee is charged when a
// new card is issued (a later issue). `staff_id` is set when staff report it for the reader.
domain::Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                               std::optional<long long> staff_id);

// A card reported lost is replaced at the counter (kCompleteRegistrations): a new library card, charged
// domain::replacement_card_fee, or the holder's replacement smart identity card registered for library use
// again (its number must be the reader's HKID; free). The old card number stops working at once and the
// account is active again. Refused unless the card was reported lost (card_not_reported_lost).
struct ReplacementInput {
  bool smart_id = false;
  std::string card_number;          // the new library card's barcode
  std::string smart_id_number;      // the replacement smart ID card's number (the reader's HKID)
  std::string smart_id_issue_date;  // YYYY-MM-DD, printed on the replacement card
};
struct Replaced {
  std::string card_number;  // the reader's card number now
  domain::Money fee;        // charged to the reader; zero for a smart ID card
  // The account's status now: what it was before the card was reported lost (active, or suspended ...).
  domain::ReaderStatus status = domain::ReaderStatus::kActive;
};
domain::Outcome<Replaced> replace_lost_card(const Context& context, const Actor& actor,
                                            const std::string& lost_card_number, const ReplacementInput& input);

// Temporary library cards for non-residents, at the counter only (no HKID; a travel document is seen).
struct TemporaryCardInput {
  std::string name;
  std::string card_number;
  std::string expires_on;  // YYYY-MM-DD, at most a year ahead
  std::string email;
  std::string mobile;
  std::string address;  // in Hong Kong, where the reader stays
  std::string language;
};
domain::Outcome<ReaderRecord> issue_temporary_card(const Context& context, const Actor& actor,
                                                   const TemporaryCardInput& input);

}  // namespace shelfmark::app
