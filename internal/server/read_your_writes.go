package server

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// readYourWrites holds back the answer to a form post until this instance's directory index
// has caught up with everything committed so far, so the person who just saved a change sees
// it on the next page they open. Other instances catch up by notification within
// milliseconds; this makes it certain for the person who made the change. It waits at most a
// second: a slow index must not hold up saving.
//
// Only the route groups whose posts write what the index serves use it (routes*.go): an
// organisation's entry and contacts, a champion's entry, the curation of agencies, contacts
// and taxonomy terms, and a revert, which may put any of those back. Those are the tables
// whose triggers notify the index (migration 00007), and the pages answered from it or from
// caches it versions: search, filter choices, agency pages, key contacts. Signing in and out,
// bookings, the library, training and users change none of them, so they answer at once
// rather than wait on a round trip to PostgreSQL, or a full second when the index is out of
// touch. Marking the request from the directory store when it writes would follow the data
// more closely, but the audit trail's revert writes those tables without the store, and a
// route group says in one place, where the routes are, which posts wait.
func (s *Server) readYourWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		sw := &syncWriter{ResponseWriter: w, sync: func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Second)
			defer cancel()
			if err := s.directory.Sync(ctx); err != nil {
				s.log.Warn("answering before the directory index caught up", "err", err)
			}
		}}
		next.ServeHTTP(sw, r)
	})
}

// syncWriter runs sync once, before the first byte of the answer: handlers answer after
// their transaction commits.
type syncWriter struct {
	http.ResponseWriter
	once sync.Once
	sync func()
}

func (w *syncWriter) WriteHeader(status int) {
	w.once.Do(w.sync)
	w.ResponseWriter.WriteHeader(status)
}

func (w *syncWriter) Write(b []byte) (int, error) {
	w.once.Do(w.sync)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *syncWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
