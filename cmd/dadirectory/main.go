// Command dadirectory is the Domestic Abuse Digital Directory: one binary that serves the site
// and runs its chores.
//
//	dadirectory serve                  serve on LISTEN_ADDR against DATABASE_URL
//	dadirectory dev                    as serve, but with a private PostgreSQL under DATA_DIR,
//	                                   migrated and seeded with demo data (what `make run` does)
//	dadirectory migrate                apply database migrations
//	dadirectory seed --demo            load or refresh the demo data (idempotent)
//	dadirectory seed --synthetic N [--replace]
//	                                   load N synthetic agencies for scale tests and benchmarks
//	dadirectory user add --email E --name N --role R [--org SLUG]
//	                                   add an account; the password is read from standard input
//	dadirectory backup FILE            write the whole database (uploads included) to FILE
//	dadirectory restore [--force] FILE load FILE into an empty database (--force: replace)
//	dadirectory export --format hsds-zip|json FILE
//	                                   write the whole directory as Open Referral HSDS 3.0
//	dadirectory import FILE [--apply]  show what importing an HSDS file would change; --apply does it
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"dadirectory/internal/config"
)

const usage = `usage: dadirectory <command> [flags]

commands:
  serve                 serve the site on LISTEN_ADDR using DATABASE_URL
  dev                   serve with a private PostgreSQL under DATA_DIR and demo data
  migrate               apply database migrations to DATABASE_URL
  seed --demo           load or refresh the demo data
  seed --synthetic N [--replace]
                        load N synthetic agencies (demo-marked test data, slugs synthetic-...)
                        for scale tests and benchmarks (make bench uses 100000); refused when
                        synthetic agencies exist, unless --replace
  user add --email E --name N --role R [--org SLUG]
                        add an account (roles: admin, champion, housing_staff, rsl_officer;
                        --org is required for rsl_officer); password read from standard input
  backup FILE           write the whole database at DATABASE_URL, uploaded files included, to
                        FILE (pg_dump's custom format)
  restore [--force] FILE
                        load FILE (made by backup) into the database at DATABASE_URL, which
                        must be empty unless --force, which replaces what it holds
  export [--format hsds-zip|json] FILE
                        write the whole directory (staff-only and archived entries included) as
                        Open Referral HSDS 3.0: the zipped tabular package (default) or JSON
  import FILE [--apply] read an HSDS file (as export writes) and print the dry run: what would be
                        added and changed, field by field, and every problem; --apply makes the
                        changes in one transaction (none when the file has a problem)

Settings come from environment variables; see the README.
`

// defaultMemoryLimit bounds the Go heap when GOMEMLIMIT is not set: the garbage collector
// works harder as the heap nears it instead of letting it double. The search index holds
// about 50 MB at 100,000 agencies and kept pages up to 8 MB (BENCHMARKS.md); resident memory
// runs some 30 MB above the limit (the program itself, stacks, the collector's own data), so
// this keeps the server under its 150 MB target with room to spare when a busy machine
// starves the collector. Measured at 100,000 agencies under load: peak resident 128 MB at
// 96 MiB and 142 MB at 110 MiB, for the same requests a second. Set GOMEMLIMIT to change it.
const defaultMemoryLimit = 100 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, errUsage) {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dadirectory:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg, stderr, args[0] == "dev")
	switch args[0] {
	case "serve":
		return cmdServe(ctx, cfg, log)
	case "dev":
		return cmdDev(ctx, cfg, log, stdout)
	case "migrate":
		return cmdMigrate(ctx, cfg, log)
	case "seed":
		return cmdSeed(ctx, cfg, log, args[1:], stdout)
	case "user":
		return cmdUser(ctx, cfg, args[1:], stdin, stdout)
	case "backup":
		return cmdBackup(ctx, cfg, log, args[1:])
	case "restore":
		return cmdRestore(ctx, cfg, log, args[1:])
	case "export":
		return cmdExport(ctx, cfg, args[1:], stdout)
	case "import":
		return cmdImport(ctx, cfg, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return errUsage
}

// newLogger writes JSON lines in production and readable text in dev.
func newLogger(cfg config.Config, w io.Writer, dev bool) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config.Load
	opts := &slog.HandlerOptions{Level: level}
	if dev {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
