package main

import (
	"net/http"
	"sync/atomic"
)

// switchHandler serves through whichever handler is current: the starting one while
// migrations run, then the application's. The listener opens first, so a load balancer or
// orchestrator asking meanwhile is told "alive, not ready" rather than refused.
type switchHandler struct{ h atomic.Pointer[http.Handler] }

func (s *switchHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *switchHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// startingPage is every page while the instance prepares (migrations, the first connection).
const startingPage = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
	`<title>Starting</title><h1>The directory is starting</h1><p>Try again in a few seconds.</p>` +
	`<p>In an emergency call <a href="tel:999">999</a>.</p></html>`

// starting answers while the instance prepares: /healthz says alive, /readyz and every page
// say not yet (503, try again in a few seconds).
func starting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/healthz":
			h.Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok\n"))
		case "/readyz":
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("starting: migrations running\n"))
		default:
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(startingPage))
		}
	})
}
