#include "mail/sms_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace shelfmark::mail {
namespace {

using Kind = app::SendOutcome::Kind;

// A stand-in gateway: records its arguments and standard input, and exits as the number asks.
class SmsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/shelfmark-sms-XXXXXX";
    dir = ::mkdtemp(pattern);
    script = dir + "/gateway";
    std::ofstream out(script);
    out << "#!/bin/sh\n"
           "printf '%s %s\\n' \"$1\" \"$2\" > "
        << dir
        << "/args\n"
           "cat > "
        << dir
        << "/text\n"
           "case \"$1\" in 90000075) exit 75;; 90000001) exit 1;; 90000099) sleep 5;; esac\n"
           "exit 0\n";
    out.close();
    ::chmod(script.c_str(), 0700);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string read(const std::string& name) {
    std::ifstream in(dir + "/" + name);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string dir, script;
};

TEST_F(SmsCommand, HandsTheNumberReferenceAndTextToTheProgram) {
  CommandSmsTransport transport(script);
  const auto outcome = transport.send({"+85291234567", "書籍裝訂工作坊: you have a place.\nSee you!", "outbox-42"});
  EXPECT_EQ(outcome.kind, Kind::kSent) << outcome.detail;
  EXPECT_EQ(read("args"), "+85291234567 outbox-42\n");
  EXPECT_EQ(read("text"), "書籍裝訂工作坊: you have a place.\nSee you!");
}

TEST_F(SmsCommand, ExitStatusesDecideRetryOrFailure) {
  CommandSmsTransport transport(script);
  EXPECT_EQ(transport.send({"90000075", "x", "outbox-1"}).kind, Kind::kTemporaryFailure);
  EXPECT_EQ(transport.send({"90000001", "x", "outbox-2"}).kind, Kind::kPermanentFailure);
}

TEST_F(SmsCommand, ASlowProgramIsStoppedAndRetriedLater) {
  CommandSmsTransport transport(script, std::chrono::seconds(1));
  const auto outcome = transport.send({"90000099", "x", "outbox-3"});
  EXPECT_EQ(outcome.kind, Kind::kTemporaryFailure);
  EXPECT_NE(outcome.detail.find("too long"), std::string::npos);
}

TEST_F(SmsCommand, AProgramThatReadsNothingCannotHurtTheServer) {
  const auto quick = dir + "/quick";
  std::ofstream(quick) << "#!/bin/sh\nexit 0\n";
  ::chmod(quick.c_str(), 0700);
  CommandSmsTransport transport(quick);
  EXPECT_EQ(transport.send({"91234567", std::string(1 << 20, 'x'), "outbox-6"}).kind, Kind::kSent);
}

TEST_F(SmsCommand, NumbersThatCouldBeOptionsAndMissingProgramsAreRefused) {
  CommandSmsTransport transport(script);
  for (const char* bad : {"", "-rf", "9123 4567", "../../etc/passwd", "+", "12+34"})
    EXPECT_EQ(transport.send({bad, "x", "outbox-4"}).kind, Kind::kPermanentFailure) << bad;
  CommandSmsTransport missing(dir + "/no-such-program");
  EXPECT_EQ(missing.send({"91234567", "x", "outbox-5"}).kind, Kind::kPermanentFailure);
}

}  // namespace
}  // namespace shelfmark::mail
