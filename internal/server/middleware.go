package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type ctxKey int

const requestIDKey ctxKey = iota

// requestID gives every request an id, in the context for log lines and in a response header
// so a person reporting a problem can quote it.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// RequestIDFrom returns the request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusRecorder remembers the status and size of a response for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog writes one structured line per request. It logs the path only: query strings
// carry what people searched for, and visitors' addresses are personal data.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		s.metrics.Request(routePattern(r), r.Method, rec.status, time.Since(start))
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("id", RequestIDFrom(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
		)
	})
}

// recoverPanic turns a panic in a handler into the friendly 500 page and a logged stack.
func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", slog.String("id", RequestIDFrom(r.Context())),
					slog.String("path", r.URL.Path), slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				w.Header().Set("Connection", "close")
				s.errorPage(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own scripts, styles and images: no inline script or
// style, no framing, forms post only to us.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	hsts := s.cfg.Secure()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// Request body limits: forms are small; a route that takes uploads registers a larger limit
// for itself with allowBody.
const maxFormBody = 1 << 20

// allowBody lets the route "method pattern" read up to n bytes of body instead of maxFormBody.
// Call it while building the routes, beside the route itself.
func (s *Server) allowBody(method, pattern string, n int64) {
	if s.bodyLimits == nil {
		s.bodyLimits = map[string]int64{}
	}
	s.bodyLimits[method+" "+pattern] = n
}

// limitBody caps what a handler may read: n, or the limit the route registered with
// allowBody. It runs before routing, so that an oversized body is refused at once by its
// Content-Length, and therefore asks mux which route the request will reach: a larger
// MaxBytesReader set inside a route could not lift the cap of an outer one. Reading past the
// cap fails with *http.MaxBytesError, which serveError answers with 413.
func (s *Server) limitBody(mux *chi.Mux, n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := n
			if len(s.bodyLimits) > 0 && r.Method == http.MethodPost {
				path := r.URL.RawPath
				if path == "" {
					path = r.URL.Path
				}
				if limit, ok := s.bodyLimits[r.Method+" "+mux.Find(chi.NewRouteContext(), r.Method, path)]; ok {
					n = limit
				}
			}
			if r.ContentLength > n {
				w.Header().Set("Connection", "close")
				s.errorPage(w, r, http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// compressPublic gzips responses to visitors without a session: pages and styles shrink to a
// fifth, which matters on a poor mobile signal. Signed-in pages are sent uncompressed, so a
// page that mixes staff-only details with text from the URL cannot leak them through its
// compressed length (BREACH).
func (s *Server) compressPublic(next http.Handler) http.Handler {
	compressed := middleware.Compress(5, "text/html", "text/css", "text/javascript", "image/svg+xml", "text/plain",
		"application/json", "application/x-ndjson")(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The compressor would gzip for "gzip;q=0" too: the client's refusal is honoured here.
		if _, err := r.Cookie(s.sessions.Cookie.Name); err == nil || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		compressed.ServeHTTP(w, r)
	})
}
