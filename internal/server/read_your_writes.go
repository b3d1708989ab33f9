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
