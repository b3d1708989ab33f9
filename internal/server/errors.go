package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"syscall"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/templates"
)

// handlerFunc is a handler that returns its failure instead of answering it, so one place
// (handle) turns errors into status codes and friendly pages.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// serveError answers err with its status and a page that says what a person can do. It is
// the one place that turns every feature's errors into pages: features return the shared
// errors of internal/edit, so no handler maps errors of its own. Only server faults are
// logged in detail; the log line never includes the query string.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var maxBytes *http.MaxBytesError
	switch {
	case errors.Is(err, edit.ErrNotFound):
		// To the person, what they may not see does not exist. The log says who asked for
		// what: a signed-in person probing another organisation's ids shows up here, with the
		// route and the object, never the query string.
		if u, ok := currentUser(r.Context()); ok {
			s.log.InfoContext(r.Context(), "not found or not theirs", "id", RequestIDFrom(r.Context()),
				"user", u.ID, "role", string(u.Role), "method", r.Method, "route", routePattern(r), "path", r.URL.Path)
		}
		s.errorPage(w, r, http.StatusNotFound)
	case errors.Is(err, edit.ErrConflict):
		// Handlers answer a conflict with the form and what changed; one that reaches here
		// still must not look like a fault.
		s.errorPage(w, r, http.StatusConflict)
	case errors.As(err, &maxBytes):
		s.errorPage(w, r, http.StatusRequestEntityTooLarge)
	case errors.As(err, new(errBadForm)):
		s.errorPage(w, r, http.StatusBadRequest)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil,
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET):
		// The visitor went away; there is no one to answer.
	case postgres.IsUnavailable(err):
		s.log.WarnContext(r.Context(), "database unavailable", slog.String("path", r.URL.Path), slog.Any("err", err))
		w.Header().Set("Retry-After", "5")
		s.errorPage(w, r, http.StatusServiceUnavailable)
	default:
		s.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
		s.errorPage(w, r, http.StatusInternalServerError)
	}
}

var errorTexts = map[int][2]string{
	http.StatusBadRequest:            {"Check your request", "We could not understand that request. Check the address, or go back and try again."},
	http.StatusForbidden:             {"Request refused", "This form was sent from another website, so we did not act on it. Go back to the page and try again."},
	http.StatusConflict:              {"Someone else changed this", "Someone else saved a change to this while you had the page open, so nothing you sent was saved. Go back, reload the page and try again."},
	http.StatusNotFound:              {"Page not found", "There is no page at this address. If you typed it, check it is correct. If you followed a link, the page may have been removed."},
	http.StatusMethodNotAllowed:      {"Page not found", "There is no page at this address for that kind of request."},
	http.StatusRequestEntityTooLarge: {"Too much information sent", "What you sent is larger than this site accepts. Send less, or a smaller file, and try again."},
	http.StatusInternalServerError:   {"Sorry, something went wrong", "There is a problem with this service. Try again later. Nothing you sent has been lost by trying again."},
	http.StatusServiceUnavailable:    {"Sorry, the service is unavailable", "This service is not working at the moment. Try again in a few minutes."},
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	text, ok := errorTexts[status]
	if !ok {
		text = errorTexts[http.StatusInternalServerError]
	}
	var base templates.Base
	if status == http.StatusServiceUnavailable {
		base = s.baseWith(r, s.site.Defaults()) // the database is away: don't wait on it again
	} else {
		base = s.siteBase(r)
	}
	if err := s.render(w, r, status, templates.ErrorPage(base, text[0], text[1])); err != nil {
		http.Error(w, text[0], status)
	}
}

// routePattern is the route that answered r ("/my/organisation/contacts/{id}"), for logs.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}
