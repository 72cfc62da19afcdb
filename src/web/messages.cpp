#include "web/messages.h"

#include "core/text.h"
#include "core/time.h"
#include "domain/enquiry.h"
#include "domain/registration.h"

namespace shelfmark::web {

std::optional<app::ComposedMessage> TranslatedMessages::compose(const app::OutboundMessage& message) {
  const auto lang = message.language;
  auto values = decode_fields(message.params);
  const std::string code(domain::language_code(lang));
  values["site"] = site_url_ + "/" + code + "/";
  values["sign_in"] = site_url_ + "/" + code + "/login";
  const auto t = [&](std::string_view msgid) { return translator_.format(lang, msgid, values); };
  const std::string closing = t("Hong Kong Public Libraries") + "\n" + values["site"] + "\n";
  std::string subject;
  std::string body;
  if (message.kind == "registration_received") {
    subject = t("Your library registration {reference}");
    body = t("We have received your application {reference}.") + "\n\n";
    if (values["active"] == "yes")
      body +=
          t("Your E-Account is ready. Sign in with your identity card number and password at {sign_in}. Library "
            "staff will check your document in the next few days and tell you the result.");
    else if (values["type"] == "library_card")
      body +=
          t("To finish, please visit {library_name} within 30 days with your Hong Kong identity card and the "
            "original proof of address. Quote the reference number above.");
    else
      body +=
          t("Library staff will check your document in the next few days. We will tell you when your E-Account "
            "is ready.");
  } else if (message.kind == "registration_approved") {
    subject = t("Your library registration {reference}: documents checked");
    body = values["type"] == "library_card"
               ? t("We have checked the documents of your application {reference}. Please visit {library_name} "
                   "within 30 days with your Hong Kong identity card and the original proof of address to finish.")
               : t("We have checked the document of your application {reference}. Your E-Account is confirmed; sign "
                   "in at {sign_in}.");
    body += "\n\n" + t("Your uploaded documents have now been deleted.");
  } else if (message.kind == "registration_rejected") {
    const auto reason = domain::parse_rejection_reason(values["reason"]);
    values["reason_text"] =
        reason ? translator_.translate(lang, domain::rejection_reason_label(*reason)) : std::string();
    subject = t("Your library registration {reference}");
    body = t("We are sorry: we could not accept your application {reference}.") + "\n\n" + values["reason_text"] +
           "\n\n" +
           t("Your uploaded documents have been deleted. You may apply again at {site}, or ask at any library for "
             "help.");
  } else if (message.kind == "registration_completed") {
    subject = t("Your library registration {reference} is complete");
    body = values["card"].empty()
               ? t("Your registration is complete: your smart identity card can now be used as your library card.")
               : t("Your registration is complete. Your library card number is {card}.");
    body += "\n\n" + t("You can sign in to My Account at {sign_in}. Your uploaded documents have been deleted.");
  } else if (message.kind == "registration_expired") {
    subject = t("Your library registration {reference} has expired");
    body =
        t("Your application {reference} was not completed in time and has expired. Your uploaded documents have "
          "been deleted. You may apply again at {site}.");
  } else if (message.kind == "password_reset") {
    values["link"] = site_url_ + "/" + code + "/login/reset?token=" + values["token"];
    subject = t("Choose a new password for your library account");
    body = t("Someone, probably you, asked to choose a new password for your library account. Follow this link "
             "within {minutes} minutes; it works once:") +
           "\n\n" + values["link"] + "\n\n" + t("If you did not ask, ignore this email: your password stays as it is.");
  } else if (message.kind == "reservation_ready" || message.kind == "reservation_expiring" ||
             message.kind == "due_soon" || message.kind == "overdue") {
    if (const auto date = parse_iso_date(values["date"])) values["date"] = format_date(translator_, lang, *date);
    if (message.kind == "reservation_ready") {
      subject = t("Your reservation is ready: {title}");
      body = t("{title} is waiting for you at {library}. Please collect it by {date}, with your library card.");
    } else if (message.kind == "reservation_expiring") {
      subject = t("Last day to collect: {title}");
      body =
          t("Today, {date}, is the last day to collect {title} at {library}. After today it goes to the next "
            "reader.");
    } else if (message.kind == "due_soon") {
      subject = t("Due on {date}: {title}");
      body =
          t("{title} is due back on {date}. You can renew it in My Account at {sign_in} unless another reader "
            "has reserved it.");
    } else {
      subject = t("Overdue: {title}");
      body =
          t("{title} was due back on {date}. Please return or renew it soon: a fine is charged for each day "
            "it is late. My Account: {sign_in}");
    }
  } else if (message.kind == "membership_expiring") {
    if (const auto date = parse_iso_date(values["date"])) values["date"] = format_date(translator_, lang, *date);
    subject = t("Your library card expires on {date}");
    body =
        t("Your library card expires on {date}. To keep borrowing, renewing and reserving, please renew it at the "
          "counter of any library, with your identity card. After that day you can still sign in, see and pay "
          "charges.");
  } else if (message.kind == "contact_changed") {
    subject = t("Your library account's contact details were changed");
    body =
        t("The email address, mobile number or address of your library account was changed just now. If this "
          "was not you, ask any library for help at once.");
  } else if (message.kind == "registration_duplicate") {
    // To the holder of an HKID number someone applied with again (Hardening 4): the applicant's browser was
    // told nothing, so this is how a real applicant who forgot learns the truth, at the address on file.
    subject = t("Someone applied for a library account with your identity card number");
    if (values["held"] == "application")
      body = t("Someone has just applied online for a library account with your Hong Kong identity card number, "
               "while your application {reference} is being processed. No second application was made, and yours "
               "has not been changed.") +
             "\n\n" + t("If this was you, there is nothing more to do: we will write to you about {reference}.");
    else
      body = t("Someone has just applied online for a library account with your Hong Kong identity card number. "
               "You already have a library account or E-Account, so no new account was made and yours has not "
               "been changed.") +
             "\n\n" +
             t("If this was you: sign in at {sign_in} with your identity card number and password. If you have "
               "forgotten your password, choose a new one with “Forgotten your password?” on that page: we send a "
               "link to the email address we have for you. Or ask at any library counter.");
    body += "\n\n" + t("If this was not you, someone else has your identity card number: please tell any library.");
  } else if (message.kind == "password_changed") {
    subject = t("Your library account's password was changed");
    body =
        t("The password of your library account was changed just now. If this was not you, ask any library "
          "for help at once, or choose a new password at {site}.");
  } else if (message.kind == "sign_in_failures") {
    // Sent at most once a day per channel (ADR 0017): many wrong passwords or PINs for this account.
    subject = t("Many unsuccessful sign-ins to your library account");
    body = values["channel"] == "sip2"
               ? t("Many wrong PINs were entered for your library card at self-service machines in the last few "
                   "minutes. If this was not you, change your PIN at any library, or ask for help there.")
               : t("Many wrong passwords were entered for your library account on the website in the last few "
                   "minutes. You can still sign in with your password. If this was not you, choose a new "
                   "password at {site}, or ask any library for help.");
  } else if (message.kind.starts_with("activity_")) {
    // Titles and places come in both languages; one given in one language only is used for both.
    const auto pick = [&](const std::string& key) {
      const auto& wanted = values[key + (lang == domain::Language::kEnglish ? "_en" : "_tc")];
      return wanted.empty() ? values[key + (lang == domain::Language::kEnglish ? "_tc" : "_en")] : wanted;
    };
    values["title"] = pick("title");
    const auto venue = pick("venue");
    const auto library = pick("library");
    values["place"] = library.empty() ? venue : venue.empty() ? library : library + ", " + venue;
    if (const auto starts = parse_local_date_time(values["starts"]))
      values["when"] = format_date_time(translator_, lang, *starts);
    values["link"] = site_url_ + "/" + code + "/activities/" + values["activity"];
    const std::string details =
        values["when"].empty()
            ? std::string()
            : t("When: {when}") + "\n" + (values["place"].empty() ? std::string() : t("Where: {place}") + "\n");
    if (message.kind == "activity_enrolled") {
      subject = t("Enrolled: {title}");
      body = t("You have a place at {title}.") + "\n\n" + details + "\n" +
             t("If you cannot come, please cancel at {link} so that another reader can have the place.");
    } else if (message.kind == "activity_waitlisted") {
      subject = t("Waiting list: {title}");
      body = t("The places at {title} are taken; you are number {position} on the waiting list. If a place frees "
               "before the activity starts, it is yours and we will tell you.") +
             "\n\n" + details;
    } else if (message.kind == "activity_place_offered") {
      subject = t("You have a place: {title}");
      body = t("A place at {title} has freed and it is now yours.") + "\n\n" + details + "\n" +
             t("If you cannot come, please cancel at {link} so that the next reader can have it.");
    } else if (message.kind == "activity_changed") {
      subject = t("Changed: {title}");
      body = t("The time or place of {title}, which you are enrolled in, has changed. It is now:") + "\n\n" + details +
             "\n" + t("If you can no longer come, please cancel at {link} so that another reader can have the place.");
    } else if (message.kind == "activity_cancelled") {
      subject = t("Cancelled: {title}");
      body = t("We are sorry: {title} has been cancelled. Your enrolment has ended; there is nothing you need to do.") +
             "\n\n" + details;
    } else {
      return std::nullopt;
    }
  } else if (message.kind == "enquiry_received") {
    if (const auto topic = domain::parse_enquiry_subject(values["subject"]))
      values["subject_label"] = translator_.translate(lang, domain::enquiry_subject_label(*topic));
    subject = t("Your enquiry {reference} to Ask a Librarian");
    body = t("Thank you for your enquiry ({subject_label}). Your reference number is {reference}; please quote it if "
             "you write to us about this enquiry.") +
           "\n\n" + t("A librarian will reply by email, usually within {hours} hours.");
  } else if (message.kind == "enquiry_reply") {
    subject = t("Reply to your enquiry {reference}");
    body = t("A librarian has replied to your enquiry {reference}:") + "\n\n" + values["reply"] + "\n\n" +
           (values["reader"] == "yes" ? t("You can also read the reply in My Account at {site}account/enquiries.")
                                      : t("If you have a further question, please send a new enquiry at {site}ask."));
  } else if (message.kind == "study_room_successful" || message.kind == "study_room_offered" ||
             message.kind == "study_room_waiting") {
    for (const char* key : {"valid_from", "valid_until"})
      if (const auto date = parse_iso_date(values[key])) values[key] = format_date(translator_, lang, *date, false);
    values["account"] = site_url_ + "/" + code + "/account/study-room";
    subject = t("Study room admission card: {period}");
    if (message.kind == "study_room_waiting") {
      body =
          t("We are sorry: there was no place for you in session {session} at {library} in the draw for "
            "{period}. You are number {position} on the waiting list; we will tell you if a place becomes free.");
    } else {
      body = (message.kind == "study_room_offered"
                  ? t("A place has become free and is offered to you: session {session} ({weekday_times}; weekends "
                      "and public holidays {weekend_times}) at {library}, for {period}.")
                  : t("Your application was successful: session {session} ({weekday_times}; weekends and public "
                      "holidays {weekend_times}) at {library}, for {period}.")) +
             "\n\n" +
             t("Your admission card {card} is valid from {valid_from} to {valid_until}. Print it, or show it on your "
               "phone, from {account}.");
    }
    body += "\n\n" + t("Your study room applications: {account}");
  } else {
    return std::nullopt;
  }
  return app::ComposedMessage{subject, body + "\n\n" + closing};
}

}  // namespace shelfmark::web
