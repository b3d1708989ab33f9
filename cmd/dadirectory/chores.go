package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/config"
	"dadirectory/internal/postgres"
	"dadirectory/internal/seed"
)

func needDatabase(cfg config.Config) error {
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set")
	}
	return nil
}

func cmdMigrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := needDatabase(cfg); err != nil {
		return err
	}
	pool, err := openMigrated(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	pool.Close()
	log.Info("database is up to date")
	return nil
}

func cmdSeed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load or refresh the demo data")
	synthetic := fs.Int("synthetic", 0, "load `N` synthetic agencies (test data for scale tests and benchmarks)")
	replace := fs.Bool("replace", false, "with --synthetic: delete the synthetic agencies already there first")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !*demo && *synthetic == 0 || *replace && *synthetic == 0 {
		return errUsage
	}
	if *synthetic < 0 || *synthetic > seed.MaxSynthetic {
		return fmt.Errorf("seed: --synthetic N must be between 1 and %d", seed.MaxSynthetic)
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	pool, err := openMigrated(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *demo {
		c, err := seed.Demo(ctx, pool)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data: %d agencies, %d contacts, %d areas, %d categories, %d audiences\n",
			c.Agencies, c.Contacts, c.Areas, c.Categories, c.Audiences)
	}
	if *synthetic > 0 {
		c, err := seed.Synthetic(ctx, pool, *synthetic, seed.SyntheticOptions{Replace: *replace})
		if err != nil {
			return err
		}
		if c.Replaced > 0 {
			fmt.Fprintf(stdout, "synthetic data: removed %d earlier synthetic agencies\n", c.Replaced)
		}
		fmt.Fprintf(stdout, "synthetic data: %d agencies, %d contacts in %s\n",
			c.Agencies, c.Contacts, c.Took.Round(time.Millisecond))
	}
	return nil
}

// cmdUser adds an account. The password comes from standard input (its first line) so it is
// never in the shell history or the process list.
func cmdUser(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errUsage
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "email address (sign-in name)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, champion, housing_staff or rsl_officer")
	org := fs.String("org", "", "slug of the organisation (required for rsl_officer)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		return errUsage
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	id, err := accounts.Create(ctx, pool, accounts.NewUser{
		Email: *email, Name: *name, Role: access.Role(*role), OrgSlug: *org, Password: password,
	}, accounts.DefaultHashParams)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added user %d (%s, %s)\n", id, strings.ToLower(strings.TrimSpace(*email)), *role)
	return nil
}
