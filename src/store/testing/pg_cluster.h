// A throwaway PostgreSQL cluster for tests: initdb into a temporary directory, start the server on a free
// port on 127.0.0.1 (run as the postgres user when we are root, since initdb refuses root), and stop it
// by process id when destroyed.
#pragma once

#include <sys/types.h>

#include <string>

namespace shelfmark::testing {

class PgCluster {
 public:
  // Throws std::runtime_error with the server's output when it cannot start. `durable` keeps fsync on
  // (benchmarks); tests turn it off for speed.
  explicit PgCluster(bool durable = false);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // "postgresql://shelfmark@127.0.0.1:PORT/NAME"
  std::string url(const std::string& database = "postgres") const;
  // Creates an empty database and returns its URL.
  std::string create_database(const std::string& name) const;
  int port() const { return port_; }

 private:
  std::string directory_;
  std::string bin_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound then released).
int free_port();

}  // namespace shelfmark::testing
