package server

import (
	"context"
	"net/http"
	"time"
)

// handleHealthz says the process is alive. It touches nothing else.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// handleReadyz says whether the database answers and the directory's search index is built
// and current (its notifications arriving), and the instance is not shutting down, so a load
// balancer sends traffic only to instances that can serve it. (While migrations run, the
// listener answers 503 before this handler exists: cmd/dadirectory/starting.go.)
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("shutting down\n"))
		return
	}
	if err := s.db.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	if !s.directory.Ready(ctx) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("directory index not ready\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// Drain makes /readyz fail from now on, so load balancers stop sending new requests while
// those already sent are still served (SHUTDOWN_DRAIN).
func (s *Server) Drain() { s.draining.Store(true) }
