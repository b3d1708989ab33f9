package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Backups are PostgreSQL's own: pg_dump's custom format, which holds every table (uploaded
// files included: they live in the database) and is read back by pg_restore. The client
// tools come with the server packages, found as the cluster's are (findBinaries); a client
// older than the server refuses, which pg_dump says itself.

// ErrNotEmpty means a restore was asked over a database that already holds tables.
var ErrNotEmpty = errors.New("the database is not empty: restore into a new, empty database, or pass --force to replace what it holds")

// Backup writes the database at dbURL to file in pg_dump's custom format.
func Backup(ctx context.Context, dbURL, file string) error {
	bin, err := findBinaries()
	if err != nil {
		return err
	}
	// Written beside the target and renamed when complete: a failed backup never leaves a
	// file that looks like one.
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := runTool(ctx, bin, "pg_dump", dbURL, "--format=custom", "--no-owner", "--no-privileges", "--file="+tmp.Name()); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore loads file (made by Backup) into the database at dbURL, in one transaction. It
// refuses a database that holds tables unless force, which replaces what it holds.
func Restore(ctx context.Context, dbURL, file string, force bool) error {
	bin, err := findBinaries()
	if err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("restore: connect: %w", err)
	}
	var tables int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables)
	conn.Close(ctx)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	args := []string{"--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"}
	if tables > 0 {
		if !force {
			return ErrNotEmpty
		}
		args = append(args, "--clean", "--if-exists")
	}
	return runTool(ctx, bin, "pg_restore", dbURL, append(args, file)...)
}

// runTool runs a PostgreSQL client tool against dbURL. The password goes in the environment,
// not the command line, where anyone on the machine could read it.
func runTool(ctx context.Context, bin, tool, dbURL string, args ...string) error {
	conn, env, err := toolConnection(dbURL)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, tool), append([]string{"--dbname=" + conn}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// toolConnection splits a postgres:// URL into one without its password and PGPASSWORD.
// Key/value connection strings are passed as they are.
func toolConnection(dbURL string) (string, []string, error) {
	if !strings.HasPrefix(dbURL, "postgres://") && !strings.HasPrefix(dbURL, "postgresql://") {
		return dbURL, nil, nil
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", nil, errors.New("DATABASE_URL is not a valid URL")
	}
	var env []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), env, nil
}
