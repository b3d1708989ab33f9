package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/reports"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Anyone who can see an agency's page can report a problem with it. The thank-you page is a
// page of its own (post, redirect, get), so reloading it sends nothing again; it holds no
// state, so visitors still get no cookie.

func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.reports.AgencyFor(ctx, viewer(ctx), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Report(s.base(r), templates.ReportPage{Agency: a}))
}

func (s *Server) handleReportSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	slug := chi.URLParam(r, "slug")
	f := r.PostForm
	in := reports.Input{Kind: f.Get("kind"), Note: f.Get("note"), ReplyEmail: f.Get("reply_email")}
	_, err := s.reports.Submit(ctx, viewer(ctx), slug, in, s.clientAddr(r))
	var invalid validate.Errors
	var throttled *reports.ThrottledError
	switch {
	case err == nil:
		http.Redirect(w, r, "/agencies/"+slug+"/report/sent", http.StatusSeeOther)
		return nil
	case errors.As(err, &invalid):
		a, err := s.reports.AgencyFor(ctx, viewer(ctx), slug)
		if err != nil {
			return err
		}
		page := templates.ReportPage{Agency: a, Form: in, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.Report(s.base(r), page))
	case errors.As(err, &throttled):
		a, err := s.reports.AgencyFor(ctx, viewer(ctx), slug)
		if err != nil {
			return err
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.Wait.Seconds())+1))
		return s.render(w, r, http.StatusTooManyRequests, templates.ReportThrottled(s.base(r), a, throttled.Minutes()))
	default:
		return err
	}
}

func (s *Server) handleReportSent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.reports.AgencyFor(ctx, viewer(ctx), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.ReportSent(s.base(r), a))
}
