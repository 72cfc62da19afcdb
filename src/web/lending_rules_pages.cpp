#include "web/lending_rules_pages.h"

#include <algorithm>

#include "app/library_admin.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

std::string typed_or(const Fields& typed, const std::string& field, const std::string& fallback) {
  auto it = typed.find(field);
  return it == typed.end() ? fallback : it->second;
}

}  // namespace

void LendingRulesPages::add_routes(RouteTable& routes) {
  const auto policies = Access::staff({domain::Permission::kManagePolicies});
  routes.get("/{lang}/staff/fine-suspensions", policies,
             [this](Page& p, const RouteParams&) { return staff_fine_suspensions(p); });
  routes.post("/{lang}/staff/fine-suspensions", policies,
              [this](Page& p, const RouteParams&) { return staff_fine_suspension_post(p, std::nullopt); });
  routes.post("/{lang}/staff/fine-suspensions/{id}/delete", policies,
              [this](Page& p, const RouteParams& params) { return staff_fine_suspension_post(p, params.number(0)); });
  routes.get("/{lang}/staff/lending-rules", policies,
             [this](Page& p, const RouteParams&) { return staff_lending_rules(p); });
  routes.post("/{lang}/staff/lending-rules", policies, [this](Page& p, const RouteParams&) {
    return staff_lending_rule_post(p, RulePost::kSave, std::nullopt);
  });
  routes.post("/{lang}/staff/lending-rules/limits", policies, [this](Page& p, const RouteParams&) {
    return staff_lending_rule_post(p, RulePost::kLimits, std::nullopt);
  });
  routes.get("/{lang}/staff/lending-rules/new", policies,
             [this](Page& p, const RouteParams&) { return staff_lending_rule(p, std::nullopt); });
  routes.get("/{lang}/staff/lending-rules/{id}", policies,
             [this](Page& p, const RouteParams& params) { return staff_lending_rule(p, params.number(0)); });
  routes.post("/{lang}/staff/lending-rules/{id}", policies, [this](Page& p, const RouteParams& params) {
    return staff_lending_rule_post(p, RulePost::kSave, params.number(0));
  });
  routes.post("/{lang}/staff/lending-rules/{id}/delete", policies, [this](Page& p, const RouteParams& params) {
    return staff_lending_rule_post(p, RulePost::kDelete, params.number(0));
  });
}

Response LendingRulesPages::staff_fine_suspensions(Page& p, const Fields& typed,
                                                   const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto periods = app::fine_suspensions(kit_.app_context(), p.session->actor());
  if (!periods) return kit_.error_page(p, 403);
  const auto snapshot = kit_.network_snapshot();
  auto rows = list();
  for (const auto& period : periods.value()) {
    data row;
    row.set("id", std::to_string(period.id));
    row.set("first", format_date(kit_.translations(), lang, period.first_day, false));
    row.set("last", format_date(kit_.translations(), lang, period.last_day, false));
    std::string covers;
    if (period.library_ids.empty()) {
      covers = kit_.t(lang, "All libraries");
    } else {
      for (auto id : period.library_ids)
        if (const auto* library = snapshot->find(id)) covers += (covers.empty() ? "" : ", ") + library->name.in(lang);
    }
    for (auto kind : period.excluded_kinds)
      covers += kit_.tf(lang, ", except {kind}", {{"kind", kit_.t(lang, domain::library_kind_label(kind))}});
    if (period.borrowed_before)
      covers += kit_.tf(lang, "; loans borrowed before {date}",
                        {{"date", format_date(kit_.translations(), lang, *period.borrowed_before, false)}});
    row.set("covers", covers);
    row.set("reason", period.reason.in(lang));
    rows.push_back(row);
  }
  data content;
  content.set("periods", rows);
  content.set("has_periods", !rows.is_empty_list());
  auto options = list();
  for (const auto& library : snapshot->libraries) {
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(lang));
    options.push_back(option);
  }
  content.set("library_options", options);
  content.set("kind_options", kind_options(kit_.translations(), lang, std::nullopt));
  for (const auto* field : {"first_day", "last_day", "borrowed_before", "reason_en", "reason_tc"}) {
    auto it = typed.find(field);
    content.set(field, it == typed.end() ? std::string() : it->second);
  }
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/fine-suspensions";
  return kit_.page(p, "staff_fine_suspensions", kit_.t(lang, "Fine suspension periods"), content, failure ? 422 : 200);
}

Response LendingRulesPages::staff_fine_suspension_post(Page& p, std::optional<long long> remove_id) {
  const auto actor = p.session->actor();
  if (remove_id) {
    auto removed = app::remove_fine_suspension(kit_.app_context(), actor, *remove_id);
    if (!removed) return kit_.failure_page(p, removed.error());
  } else {
    app::FineSuspensionForm form;
    form.input = {p.request.form_value("first_day"),
                  p.request.form_value("last_day"),
                  {},
                  {},
                  p.request.form_values("excluded_kinds"),
                  p.request.form_value("borrowed_before"),
                  p.request.form_value("reason_en"),
                  p.request.form_value("reason_tc")};
    form.library_codes = p.request.form_values("libraries");
    auto added = app::add_fine_suspension(kit_.app_context(), kit_.network_cache(), actor, form);
    if (!added) {
      if (added.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
      return staff_fine_suspensions(p, p.request.form, added.error());
    }
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/fine-suspensions?saved=1");
  return response;
}

Response LendingRulesPages::staff_lending_rules(Page& p, const Fields& typed,
                                                const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto policies = app::lending_rules(kit_.app_context(), kit_.network_cache(), p.session->actor());
  if (!policies) return kit_.error_page(p, 403);
  const auto snapshot = kit_.network_snapshot();
  const auto any = kit_.t(lang, "Any");
  auto rules = list();
  // Most general first, so the table reads as "the rule, then its exceptions".
  auto ordered = policies->rules;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.specificity() < b.specificity(); });
  for (const auto& rule : ordered) {
    data row;
    row.set("id", std::to_string(rule.id));
    const auto reader = rule.reader_category ? kit_.t(lang, domain::reader_category_label(*rule.reader_category)) : any;
    const auto type = rule.item_type ? kit_.t(lang, domain::item_type_label(*rule.item_type)) : any;
    const auto collection = rule.collection ? kit_.t(lang, domain::collection_label(*rule.collection)) : any;
    std::string library = any;
    if (rule.library_id)
      if (const auto* found = snapshot->find(*rule.library_id)) library = found->name.in(lang);
    row.set("reader", reader);
    row.set("type", type);
    row.set("collection", collection);
    row.set("library", library);
    row.set("summary", reader + ", " + type + ", " + collection + ", " + library);
    row.set("lent", rule.policy.loanable ? kit_.t(lang, "Yes") : kit_.t(lang, "No"));
    row.set("reservable", rule.policy.reservable ? kit_.t(lang, "Yes") : kit_.t(lang, "No"));
    row.set("loan_days", rule.policy.loanable
                             ? kit_.tf(lang, "{days} days", {{"days", std::to_string(rule.policy.loan_days)}})
                             : std::string("–"));
    row.set("renewals", rule.policy.loanable ? kit_.tf(lang, "{times} × {days} days",
                                                       {{"times", std::to_string(rule.policy.max_renewals)},
                                                        {"days", std::to_string(rule.policy.renewal_days)}})
                                             : std::string("–"));
    row.set("fine", domain::format_money(rule.policy.fine_per_day));
    rules.push_back(row);
  }
  data content;
  content.set("rules", rules);
  const auto& l = policies->limits;
  content.set("max_loans", typed_or(typed, "max_loans", std::to_string(l.max_loans)));
  content.set("max_periodical_loans", typed_or(typed, "max_periodical_loans", std::to_string(l.max_periodical_loans)));
  content.set("max_reservations", typed_or(typed, "max_reservations", std::to_string(l.max_reservations)));
  content.set("reservation_fee", typed_or(typed, "reservation_fee", plain_amount(l.reservation_fee)));
  content.set("hold_shelf_days", typed_or(typed, "hold_shelf_days", std::to_string(l.hold_shelf_days)));
  content.set("max_reservation_days", typed_or(typed, "max_reservation_days", std::to_string(l.max_reservation_days)));
  content.set("fines_ceiling", typed_or(typed, "fines_ceiling", plain_amount(l.fines_ceiling)));
  content.set("block_when_overdue", typed.empty() ? l.block_when_overdue : typed.count("block_when_overdue") > 0);
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/lending-rules";
  return kit_.page(p, "staff_lending_rules", kit_.t(lang, "Lending rules"), content, failure ? 422 : 200);
}

// The form for a new rule (id nullopt) or an existing one.
Response LendingRulesPages::staff_lending_rule(Page& p, std::optional<long long> id, const Fields& typed,
                                               const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto policies = app::lending_rules(kit_.app_context(), kit_.network_cache(), p.session->actor());
  if (!policies) return kit_.error_page(p, 403);
  domain::PolicyRule rule;
  if (id) {
    auto found =
        std::find_if(policies->rules.begin(), policies->rules.end(), [&](const auto& r) { return r.id == *id; });
    if (found == policies->rules.end()) return kit_.error_page(p, 404);
    rule = *found;
  }
  const auto snapshot = kit_.network_snapshot();
  const bool fresh = typed.empty();
  auto value = [&](const char* field, const std::string& stored) {
    return fresh ? stored : typed_or(typed, field, "");
  };
  data content;
  content.set("id", id ? std::to_string(*id) : std::string());
  content.set("heading", id ? kit_.t(lang, "Change a lending rule") : kit_.t(lang, "Add a lending rule"));
  content.set("submit_label", id ? kit_.t(lang, "Save rule") : kit_.t(lang, "Add rule"));
  content.set("action",
              "/" + lang_code(lang) + "/staff/lending-rules" + (id ? "/" + std::to_string(*id) : std::string()));
  content.set("catch_all", id && rule.is_catch_all());
  content.set("removable", id && !rule.is_catch_all());
  content.set("category_options",
              choice_options(
                  kit_.translations(), lang, domain::all_reader_categories(), &domain::reader_category_code,
                  &domain::reader_category_label,
                  value("reader_category",
                        rule.reader_category ? std::string(domain::reader_category_code(*rule.reader_category)) : "")));
  content.set(
      "type_options",
      choice_options(kit_.translations(), lang, domain::all_item_types(), &domain::item_type_code,
                     &domain::item_type_label,
                     value("item_type", rule.item_type ? std::string(domain::item_type_code(*rule.item_type)) : "")));
  content.set(
      "collection_options",
      choice_options(
          kit_.translations(), lang, domain::all_collections(), &domain::collection_code, &domain::collection_label,
          value("collection", rule.collection ? std::string(domain::collection_code(*rule.collection)) : "")));
  std::string library_code;
  if (rule.library_id)
    if (const auto* library = snapshot->find(*rule.library_id)) library_code = library->code;
  library_code = value("library", library_code);
  auto libraries = list();
  for (const auto& library : snapshot->libraries) {
    data option;
    option.set("code", library.code);
    option.set("label", library.name.in(lang));
    option.set("selected", library.code == library_code);
    libraries.push_back(option);
  }
  content.set("library_options", libraries);
  content.set("loanable", fresh ? rule.policy.loanable : typed.count("loanable") > 0);
  content.set("reservable", fresh ? rule.policy.reservable : typed.count("reservable") > 0);
  content.set("loan_days", value("loan_days", std::to_string(rule.policy.loan_days)));
  content.set("max_renewals", value("max_renewals", std::to_string(rule.policy.max_renewals)));
  content.set("renewal_days", value("renewal_days", std::to_string(rule.policy.renewal_days)));
  content.set("fine_per_day", value("fine_per_day", plain_amount(rule.policy.fine_per_day)));
  if (failure) kit_.add_failure(lang, content, *failure);
  p.switch_path = "/" + lang_code(lang) + "/staff/lending-rules/" + (id ? std::to_string(*id) : std::string("new"));
  return kit_.page(p, "staff_lending_rule",
                   id ? kit_.t(lang, "Change a lending rule") : kit_.t(lang, "Add a lending rule"), content,
                   failure ? 422 : 200);
}

Response LendingRulesPages::staff_lending_rule_post(Page& p, RulePost what, std::optional<long long> id) {
  const auto actor = p.session->actor();
  const auto& form = p.request;
  auto back = [&](const std::string& anchor) {
    auto response = redirect("/" + lang_code(p.lang) + "/staff/lending-rules?saved=1" + anchor);
    return response;
  };
  if (what == RulePost::kLimits) {
    domain::ReaderLimitsInput input{
        form.form_value("max_loans"),        form.form_value("max_periodical_loans"),
        form.form_value("max_reservations"), form.form_value("reservation_fee"),
        form.form_value("hold_shelf_days"),  form.form_value("max_reservation_days"),
        form.form_value("fines_ceiling"),    !form.form_value("block_when_overdue").empty()};
    auto saved = app::save_reader_limits(kit_.app_context(), actor, input);
    if (saved) return back("#limits");
    if (saved.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    auto response = staff_lending_rules(p, form.form, saved.error());
    return response;
  }
  if (what == RulePost::kDelete) {
    auto removed = app::remove_lending_rule(kit_.app_context(), kit_.network_cache(), actor, *id);
    if (!removed) {
      if (auto refused = kit_.refusal_page(p, removed.error())) return *refused;
      return staff_lending_rule(p, id, {}, removed.error());
    }
    return back("");
  }
  app::LendingRuleForm rule_form;
  rule_form.input = {form.form_value("reader_category"),   form.form_value("item_type"),
                     form.form_value("collection"),        std::nullopt,
                     !form.form_value("loanable").empty(), !form.form_value("reservable").empty(),
                     form.form_value("loan_days"),         form.form_value("max_renewals"),
                     form.form_value("renewal_days"),      form.form_value("fine_per_day")};
  rule_form.library_code = form.form_value("library");
  auto saved = app::save_lending_rule(kit_.app_context(), kit_.network_cache(), actor, id, rule_form);
  if (saved) return back("");
  if (auto refused = kit_.refusal_page(p, saved.error())) return *refused;
  return staff_lending_rule(p, id, form.form, saved.error());
}

}  // namespace shelfmark::web
