// The SIP2 server in-process on a free 127.0.0.1 port, on both backends: terminals racing for one item,
// clients that vanish mid-message or send too much, the idle timeout, and stopping with connections open.
// (tests/browser/sip2.test.mjs covers the same ground against the real executable; this one also runs under
// the sanitizers.)
#include "sip2/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "app/terminals.h"
#include "security/sodium.h"
#include "store/store_test_support.h"

namespace shelfmark::sip2 {
namespace {

using store::testing_support::BackendTest;

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    timeval limit{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~Client() { close(fd_); }
  bool ok() const { return ok_; }
  void write(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // The next reply up to CR; empty when the server closed the connection.
  std::string reply() {
    for (;;) {
      if (auto end = pending_.find('\r'); end != std::string::npos) {
        auto out = pending_.substr(0, end + 1);
        pending_.erase(0, end + 1);
        return out;
      }
      char buffer[4096];
      const auto n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return "";
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  std::string send(const std::string& message) {
    write(message + "\r");
    return reply();
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string pending_;
};

class Sip2Server : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    zone = TimeZone::load("Asia/Hong_Kong");
    context = std::make_unique<app::Context>(app::Context{*store, clock, *zone, hasher, tokens});
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      domain::Library library;
      library.code = "CL";
      library.name = {"Central Library", "中央圖書館"};
      library.kind = domain::LibraryKind::kCentral;
      library.address = {"x", "x"};
      for (auto& day : library.hours.days) day = {{0, 1440}};
      const auto id = repos.libraries.insert(library);
      for (int i = 0; i < 20; ++i)
        repos.circulation.insert_reader({0, "R" + std::to_string(i), "Reader", domain::ReaderCategory::kAdult,
                                         domain::ReaderStatus::kActive, *parse_iso_date("2099-12-31")},
                                        clock.now());
      app::ItemRecord item;
      item.barcode = "B1";
      item.title = "書名";
      item.title_key = "t:1";
      item.facts = {domain::ItemType::kBook, domain::Collection::kAdult, id};
      item.current_library_id = id;
      repos.circulation.insert_item(item);
    });
    ASSERT_TRUE(app::add_sip_account(*context, {"drop01", "CL", "terminal-secret-2", {}, false, false}));
  }

  void start(std::chrono::seconds idle = std::chrono::seconds(60),
             std::chrono::seconds login = std::chrono::seconds(30), std::size_t per_address = 64) {
    ServerOptions options;
    options.plain = Listen{"127.0.0.1", 0};
    options.idle_timeout = idle;
    options.login_timeout = login;
    options.max_connections_per_address = per_address;
    server = std::make_unique<Server>(*context, network, options);
    server->start();
    ASSERT_NE(server->port(), 0);
  }

  std::string login(Client& client) { return client.send("9300CNdrop01|COterminal-secret-2|"); }

  std::shared_ptr<const TimeZone> zone;
  SystemClock clock;
  security::Argon2Hasher hasher{security::test_cost(), 4};
  security::SodiumTokens tokens{std::string(32, 't')};
  std::unique_ptr<app::Context> context;
  app::NetworkCache network;
  std::unique_ptr<Server> server;
};

TEST_P(Sip2Server, TwentyTerminalsRacingForOneItemExactlyOneWins) {
  start();
  std::atomic<int> lent{0}, refused{0};
  std::vector<std::thread> terminals;
  for (int i = 0; i < 20; ++i)
    terminals.emplace_back([&, i] {
      Client client(server->port());
      ASSERT_EQ(login(client), "941\r");
      const auto reply =
          client.send("11NN20261123    100000" + std::string(18, ' ') + "AOCL|AAR" + std::to_string(i) + "|ABB1|AC|");
      if (reply.rfind("121", 0) == 0) ++lent;
      if (reply.rfind("120", 0) == 0) ++refused;
    });
  for (auto& terminal : terminals) terminal.join();
  EXPECT_EQ(lent, 1);
  EXPECT_EQ(refused, 19);
}

TEST_P(Sip2Server, BrokenClientsDoNotHurtTheServer) {
  start();
  {
    Client vanishing(server->port());
    ASSERT_EQ(login(vanishing), "941\r");
    vanishing.write("11NN20261123    100000" + std::string(18, ' ') + "AOCL|AAR1|AB");
  }
  Client flood(server->port());
  flood.write(std::string(100000, 'x'));
  flood.write("\r");
  EXPECT_EQ(flood.reply(), "96\r");
  EXPECT_EQ(login(flood), "941\r");
  const auto info = flood.send("1720261123    100000AOCL|ABB1|");
  EXPECT_EQ(info.substr(0, 4), "1803") << info;  // the vanished checkout was never applied
  EXPECT_NE(info.find("|AJ書名|"), std::string::npos);
}

TEST_P(Sip2Server, IdleConnectionsAreClosed) {
  start(std::chrono::seconds(1));
  Client client(server->port());
  ASSERT_EQ(login(client), "941\r");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.reply(), "");  // closed by the server
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
}

TEST_P(Sip2Server, ConnectionsThatDoNotLogInAreClosedSoon) {
  start(std::chrono::seconds(60), std::chrono::seconds(1));
  Client logged(server->port());
  ASSERT_EQ(login(logged), "941\r");
  // Talking without logging in does not extend the time to log in.
  Client talker(server->port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(talker.send("9900302.00").substr(0, 3), "940");
  std::atomic<bool> closed{false};
  std::thread trickle([&] {
    for (int i = 0; i < 40 && !closed; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      talker.write("9");  // a message that never ends
    }
  });
  EXPECT_EQ(talker.reply(), "");  // closed by the server
  closed = true;
  trickle.join();
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  // A silent one is closed too; the one that logged in is not.
  Client silent(server->port());
  EXPECT_EQ(silent.reply(), "");
  EXPECT_EQ(logged.send("9900302.00").substr(0, 2), "98");
}

TEST_P(Sip2Server, ConnectionsFromOneAddressAreCapped) {
  start(std::chrono::seconds(60), std::chrono::seconds(30), 3);
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<Client>(server->port()));
    ASSERT_EQ(login(*open.back()), "941\r");
  }
  Client refused(server->port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(refused.send("9300CNdrop01|COterminal-secret-2|"), "");  // closed at once, unanswered
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(server->connections(), 3u);
  // When one goes, another may come.
  open.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Client next(server->port());
  EXPECT_EQ(login(next), "941\r");
}

TEST_P(Sip2Server, StopsWithConnectionsOpen) {
  start();
  Client a(server->port()), b(server->port());
  ASSERT_EQ(login(a), "941\r");
  ASSERT_TRUE(b.ok());
  for (int i = 0; i < 100 && server->connections() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(server->connections(), 2u);
  server->stop();
  EXPECT_EQ(a.reply(), "");
  EXPECT_EQ(b.reply(), "");
  EXPECT_FALSE(Client(server->port()).ok());
}

SHELFMARK_ON_BOTH_BACKENDS(Sip2Server);

}  // namespace
}  // namespace shelfmark::sip2
