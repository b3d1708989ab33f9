package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// serveMetrics serves /metrics on addr (METRICS_ADDR), a listener of its own so metrics are
// never on the public one, until ctx ends. A listener that cannot start stops the app: a
// council that asked for metrics should not find out from a silent graph.
func serveMetrics(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics listener on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return nil
}
