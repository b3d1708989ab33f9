package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/config"
	"dadirectory/internal/postgres"
	"dadirectory/internal/seed"
	"dadirectory/internal/server"
)

func cmdServe(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: point it at a PostgreSQL 15+ database, or run `make run` (dadirectory dev) for a private one")
	}
	var pool *pgxpool.Pool
	defer func() {
		if pool != nil {
			pool.Close()
		}
	}()
	return serve(ctx, cfg, log, func(ctx context.Context) (*pgxpool.Pool, error) {
		var err error
		pool, err = openMigrated(ctx, cfg.DatabaseURL, log)
		return pool, err
	}, nil)
}

// cmdDev is `make run`: with no DATABASE_URL it starts a private cluster under DATA_DIR (kept
// between runs), then migrates, loads the demo data and serves until Ctrl-C.
func cmdDev(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	cfg.Dev = true        // mail without SMTP_URL goes to /dev/mail
	cfg.ShutdownDrain = 0 // no load balancer to drain: Ctrl-C stops at once
	// The demo accounts have no second factor: dev asks none of them unless
	// MFA_REQUIRED_ROLES says to (the banner says which).
	if !cfg.MFARolesSet {
		cfg.MFARequiredRoles = nil
	}
	dbURL := cfg.DatabaseURL
	if dbURL == "" {
		dir, err := filepath.Abs(filepath.Join(cfg.DataDir, "postgres"))
		if err != nil {
			return err
		}
		log.Info("starting private PostgreSQL", "dir", dir)
		cluster, err := postgres.StartCluster(ctx, dir, log, postgres.ClusterOptions{})
		if err != nil {
			return err
		}
		defer func() {
			log.Info("stopping private PostgreSQL")
			if err := cluster.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		}()
		if dbURL, err = ensureDatabase(ctx, cluster.URL(), "dadirectory"); err != nil {
			return err
		}
	}
	pool, err := openMigrated(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer pool.Close()
	counts, err := seed.Demo(ctx, pool)
	if err != nil {
		return err
	}
	log.Info("demo data loaded", "agencies", counts.Agencies, "contacts", counts.Contacts)
	if err := seed.EnsureDevAccounts(ctx, pool, accounts.HashParams{MemoryKiB: cfg.Argon2MemoryKiB, Time: cfg.Argon2Time, Threads: 1}); err != nil {
		return err
	}
	prepared := func(context.Context) (*pgxpool.Pool, error) { return pool, nil }
	return serve(ctx, cfg, log, prepared, func(addr string) {
		fmt.Fprintf(stdout, "\nDomestic Abuse Digital Directory (demo data) is running at http://%s\n\nDemo sign-ins (dev only):\n", addr)
		for _, a := range seed.DevAccounts {
			fmt.Fprintf(stdout, "  %-14s %-22s %s\n", a.Role, a.Email, a.Password)
		}
		if len(cfg.MFARequiredRoles) == 0 {
			fmt.Fprint(stdout, "\nTwo-factor sign-in is asked of no role here (MFA_REQUIRED_ROLES=admin,rsl_officer asks it as serve does).\n")
		} else {
			fmt.Fprintf(stdout, "\nTwo-factor sign-in is asked of: %s (MFA_REQUIRED_ROLES).\n", roleList(cfg.MFARequiredRoles))
		}
		fmt.Fprint(stdout, "\nPress Ctrl-C to stop.\n\n")
	})
}

func openMigrated(ctx context.Context, dbURL string, log *slog.Logger) (*pgxpool.Pool, error) {
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	db := postgres.OpenDB(pool)
	defer db.Close()
	if err := postgres.Migrate(ctx, db, log); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// ensureDatabase creates the named database in the cluster at adminURL when it is missing and
// returns its URL.
func ensureDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect to private PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// serve listens at once, answering "starting" (503, /healthz alive) while prepare makes the
// pool (migrating it), then serves the app until ctx ends. Then it drains (SHUTDOWN_DRAIN:
// /readyz fails, requests are still served), stops taking connections and gives in-flight
// requests the rest of SHUTDOWN_TIMEOUT to finish.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, prepare func(context.Context) (*pgxpool.Pool, error), ready func(addr string)) error {
	// Packages that log without being handed a logger (the directory's search index) write
	// where the app does.
	slog.SetDefault(log)
	var handler switchHandler
	handler.set(starting())
	httpServer := &http.Server{
		Handler:           &handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // uploads on slow lines
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Not cancelled by SIGTERM, so in-flight requests finish; every statement of a request
		// is limited, so a request cannot hang on a database that stopped answering (and is
		// not refused while a busy one still answers: internal/postgres/limit.go).
		BaseContext: func(net.Listener) context.Context {
			return postgres.WithStatementLimit(context.WithoutCancel(ctx))
		},
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	fresh := trackFresh(httpServer)
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	log.Info("starting: answering 503 until migrated", "addr", ln.Addr().String())
	pool, err := prepare(ctx)
	if err != nil {
		_ = httpServer.Close()
		return err
	}
	srv, err := server.New(cfg, log, pool)
	if err != nil {
		_ = httpServer.Close()
		return err
	}
	defer srv.Close() // before the pool closes, so the index stops quietly
	handler.set(srv.Handler())
	log.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL.String())
	if cfg.PprofAddr != "" {
		servePprof(ctx, cfg.PprofAddr, log)
	}
	if cfg.MetricsAddr != "" {
		if err := serveMetrics(ctx, cfg.MetricsAddr, srv.MetricsHandler(), log); err != nil {
			return err
		}
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownWait, "drain", cfg.ShutdownDrain)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWait)
	defer cancel()
	// Readiness fails first, while requests are still served, so the load balancer stops
	// sending new ones; connections are not kept alive past their next answer.
	srv.Drain()
	if cfg.ShutdownDrain > 0 {
		httpServer.SetKeepAlivesEnabled(false)
		time.Sleep(cfg.ShutdownDrain)
	}
	// net/http drops, unanswered, any request it reads after Shutdown has begun, so a visitor
	// whose connection was accepted a moment before SIGTERM would get nothing. So: refuse new
	// connections first, give the accepted ones a moment to deliver their first request (they
	// then count as in flight), and only then shut down. Measured by internal/resilience.
	ln.Close()
	<-errc // Serve has returned: Shutdown will not close the listener a second time
	fresh.wait(freshWait)
	if err := httpServer.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// freshWait bounds how long shutdown waits for accepted connections to send their first
// request; ReadHeaderTimeout would end a silent one later anyway.
const freshWait = 2 * time.Second

// freshConns are the connections accepted whose first request has not been read yet.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// trackFresh follows the connections of srv through its ConnState hook.
func trackFresh(srv *http.Server) *freshConns {
	f := &freshConns{conns: map[net.Conn]struct{}{}}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if st == http.StateNew {
			f.conns[c] = struct{}{}
		} else {
			delete(f.conns, c)
		}
	}
	return f
}

// wait returns once no accepted connection is still waiting for its first request to be
// read, or after max.
func (f *freshConns) wait(max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		n := len(f.conns)
		f.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// roleList writes roles as people read them: "Administrator, RSL officer".
func roleList(roles []access.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Label()
	}
	return strings.Join(names, ", ")
}
