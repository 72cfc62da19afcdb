// The SMS gateway hook: each text message is handed to a program the operator provides (`serve
// --sms-command`), the way mail systems hand a message to sendmail. The program gets the mobile number and
// the message's reference as arguments and the text (UTF-8) on standard input, and answers by its exit
// status: 0 sent, 75 (EX_TEMPFAIL) try again later, anything else a permanent failure. It runs with an empty
// environment but PATH, no shell, and is killed after the time limit (a temporary failure).
#pragma once

#include <chrono>
#include <string>

#include "app/media_ports.h"

namespace shelfmark::mail {

class CommandSmsTransport final : public app::SmsTransport {
 public:
  explicit CommandSmsTransport(std::string program, std::chrono::seconds time_limit = std::chrono::seconds(30))
      : program_(std::move(program)), time_limit_(time_limit) {}
  app::SendOutcome send(const app::OutgoingSms& sms) override;

 private:
  std::string program_;
  std::chrono::seconds time_limit_;
};

}  // namespace shelfmark::mail
