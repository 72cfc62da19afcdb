#include "domain/errors.h"

#include <stdexcept>

namespace shelfmark::domain {

const std::vector<ErrorInfo>& all_errors() {
  static const std::vector<ErrorInfo> kErrors = {
      {ErrorCode::kRequired, "required", "This field is required."},
      {ErrorCode::kTooLong, "too_long", "This is too long: at most {max} characters."},
      {ErrorCode::kInvalidText, "invalid_text", "This text contains characters that cannot be stored."},
      {ErrorCode::kInvalidChoice, "invalid_choice", "Please choose one of the options given."},
      {ErrorCode::kInvalidDate, "invalid_date", "Please enter a date as YYYY-MM-DD."},
      {ErrorCode::kInvalidTime, "invalid_time", "Please enter a time as HH:MM, for example 09:30."},
      {ErrorCode::kInvalidPhone, "invalid_phone",
       "Please enter a telephone number using digits, spaces and an optional leading +."},
      {ErrorCode::kTimeRangeInvalid, "time_range_invalid", "The closing time must be later than the opening time."},
      {ErrorCode::kTimeRangesOverlap, "time_ranges_overlap", "Opening periods on the same day must not overlap."},
      {ErrorCode::kDateRangeInvalid, "date_range_invalid", "The last day must be on or after the first day."},
      {ErrorCode::kExpiryNotAfterPublication, "expiry_not_after_publication",
       "The expiry time must be later than the publication time."},
      {ErrorCode::kNotFound, "not_found", "We could not find what you asked for."},
      {ErrorCode::kPermissionDenied, "permission_denied", "Your account is not allowed to do this."},
      {ErrorCode::kEditConflict, "edit_conflict",
       "Someone else changed this while you were editing. Your changes were not saved: please review the "
       "current version and try again."},
      {ErrorCode::kInvalidCredentials, "invalid_credentials", "The username or password is not correct."},
      {ErrorCode::kTooManyAttempts, "too_many_attempts",
       "Too many unsuccessful attempts. Please wait {minutes} minutes and try again."},
      {ErrorCode::kAccountDisabled, "account_disabled", "This account is disabled. Please contact an administrator."},
      {ErrorCode::kUsernameInvalid, "username_invalid",
       "A username has 3 to 32 characters: lower-case letters, digits, dots, hyphens and underscores."},
      {ErrorCode::kUsernameTaken, "username_taken", "This username is already in use."},
      {ErrorCode::kPasswordTooShort, "password_too_short", "The password must have at least {min} characters."},
      {ErrorCode::kPasswordTooLong, "password_too_long", "The password must have at most {max} characters."},
      {ErrorCode::kPasswordTooCommon, "password_too_common",
       "This password is too common and easy to guess. Please choose another."},
      {ErrorCode::kPasswordContainsUsername, "password_contains_username",
       "The password must not contain the username."},
      {ErrorCode::kRoleUnknown, "role_unknown",
       "Unknown role. Use one of: administrator, editor, counter, verifier, cataloguer."},
      {ErrorCode::kDateTaken, "date_taken", "There is already an entry for this date."},
      {ErrorCode::kReaderNotActive, "reader_not_active",
       "This account cannot borrow at the moment. Please ask at a library counter."},
      {ErrorCode::kCardReportedLost, "card_reported_lost",
       "This card has been reported lost and cannot be used. Please ask at a library counter for a new one."},
      {ErrorCode::kReaderExpired, "reader_expired", "This library card has expired. Please renew it at a counter.",
       true},
      {ErrorCode::kEResourcesOnly, "e_resources_only",
       "An E-Account can borrow e-books and e-resources only. Complete registration in person to borrow other "
       "items."},
      {ErrorCode::kItemNotLoanable, "item_not_loanable", "This item is for use in the library only."},
      {ErrorCode::kItemNotAvailable, "item_not_available", "This item is not available for loan now."},
      {ErrorCode::kItemHeldForAnother, "item_held_for_another", "This item is reserved for another reader."},
      {ErrorCode::kLoanQuotaReached, "loan_quota_reached", "The limit of {max} items on loan has been reached.", true},
      {ErrorCode::kPeriodicalQuotaReached, "periodical_quota_reached",
       "The limit of {max} periodical back issues on loan has been reached.", true},
      {ErrorCode::kReaderHasOverdue, "reader_has_overdue",
       "An item on loan is overdue. Please return or renew it first.", true},
      {ErrorCode::kFinesCeilingReached, "fines_ceiling_reached",
       "Unpaid charges have reached {ceiling}. Please pay them first.", true},
      {ErrorCode::kRenewalLimitReached, "renewal_limit_reached",
       "This item has been renewed {max} times, the most allowed.", true},
      {ErrorCode::kReservedByAnother, "reserved_by_another",
       "Another reader is waiting for this item, so it cannot be renewed."},
      {ErrorCode::kReservationQuotaReached, "reservation_quota_reached",
       "The limit of {max} reservations has been reached."},
      {ErrorCode::kNotReservable, "not_reservable", "This item cannot be reserved."},
      {ErrorCode::kAlreadyOnLoanToReader, "already_on_loan_to_reader", "You already have this item on loan."},
      {ErrorCode::kAlreadyReserved, "already_reserved", "You have already reserved this item."},
      {ErrorCode::kReservationNotChangeable, "reservation_not_changeable",
       "This reservation can no longer be changed: the item is already waiting on the hold shelf."},
      {ErrorCode::kAmountInvalid, "amount_invalid",
       "Please enter an amount in Hong Kong dollars, for example 12.50, of at most {max}."},
      {ErrorCode::kEBookOnlineOnly, "e_book_online_only", "E-books are borrowed online, from My Account."},
      {ErrorCode::kBorrowAtLibrary, "borrow_at_library",
       "This item is on a library shelf: please borrow it at a library or a self-service terminal."},
      {ErrorCode::kNotOnLoanToReader, "not_on_loan_to_reader", "This item is not on loan to you."},
      {ErrorCode::kCopyAvailableNow, "copy_available_now", "A copy is free now: please borrow it instead."},
      {ErrorCode::kPinsDiffer, "pins_differ", "The two new PINs are not the same. Please type the new PIN twice."},
      {ErrorCode::kPinInvalid, "pin_invalid", "A PIN is 4 to 8 digits."},
      {ErrorCode::kNumberOutOfRange, "number_out_of_range", "Please enter a whole number from {min} to {max}."},
      {ErrorCode::kRuleExists, "rule_exists",
       "There is already a rule for exactly these choices. Please change that rule instead."},
      {ErrorCode::kCatchAllRuleRequired, "catch_all_rule_required",
       "The rule for everything else cannot be removed or narrowed: every loan needs a rule. Please change "
       "its values instead."},
      {ErrorCode::kBarcodeTaken, "barcode_taken", "This barcode is already on another copy."},
  };
  return kErrors;
}

const ErrorInfo& error_info(ErrorCode code) {
  for (const auto& info : all_errors())
    if (info.code == code) return info;
  throw std::logic_error("error code missing from the catalogue");
}

}  // namespace shelfmark::domain
