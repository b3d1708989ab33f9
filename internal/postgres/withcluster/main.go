// Command withcluster runs a command with a private, throwaway-fast PostgreSQL cluster:
//
//	go run ./internal/postgres/withcluster -dir tmp/testpg -- go test ./...
//
// It starts the cluster (data kept in -dir between runs), runs the command with
// TEST_DATABASE_URL set to it, stops the cluster and exits with the command's exit code. When
// TEST_DATABASE_URL is already set it just runs the command against that database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"dadirectory/internal/postgres"
)

const envURL = "TEST_DATABASE_URL"

func main() {
	os.Exit(run())
}

func run() int {
	dir := flag.String("dir", "tmp/testpg", "data directory of the test cluster, kept between runs")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: withcluster [-dir DIR] -- COMMAND [ARG...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	// Catch signals from the start, so an interrupted run still stops the cluster.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)

	env := os.Environ()
	if os.Getenv(envURL) == "" {
		abs, err := filepath.Abs(*dir)
		if err != nil {
			log.Error("withcluster", "err", err)
			return 1
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-sigs:
				cancel()
			case <-ctx.Done():
			}
		}()
		c, err := postgres.StartCluster(ctx, abs, log, postgres.ClusterOptions{Fast: true})
		cancel()
		if err != nil {
			log.Error("withcluster", "err", err)
			return 1
		}
		defer func() {
			if err := c.Stop(); err != nil {
				log.Error("withcluster", "err", err)
			}
		}()
		env = append(env, envURL+"="+c.URL())
	}
	return runChild(flag.Args(), env, sigs, log)
}

// runChild runs args with stdio passed through, forwarding SIGINT and SIGTERM, and returns
// its exit code (128+signal when a signal ended it, as a shell reports it).
func runChild(args, env []string, sigs <-chan os.Signal, log *slog.Logger) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		log.Error("withcluster: start command", "err", err)
		return 127
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	default:
		log.Error("withcluster: command", "err", err)
		return 1
	}
}
