package server

import (
	"errors"
	"net/http"

	"strings"

	"dadirectory/internal/edit"
	"dadirectory/internal/reports"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins work through problem reports: a list by status, and a page per report to move it on.

func (s *Server) handleAdminReports(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	status := reports.Status(r.URL.Query().Get("status"))
	list, err := s.reports.List(ctx, viewer(ctx), status)
	if err != nil {
		return err
	}
	counts, err := s.reports.Counts(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	page := templates.AdminReportsPage{Status: status, Reports: list, Counts: counts, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.AdminReports(s.base(r), page))
}

func (s *Server) handleAdminReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rep, err := s.reports.Report(ctx, viewer(ctx), id)
	if err != nil {
		return err
	}
	page := templates.AdminReportPage{Report: rep, Form: rep.Input(), Version: rep.Version, Original: edit.Original(rep.Input())}
	return s.render(w, r, http.StatusOK, templates.AdminReport(s.base(r), page))
}

func (s *Server) handleAdminReportUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := reports.StatusInput{Status: f.Get("status"), ResolutionNote: f.Get("resolution_note")}
	saved, err := s.reports.UpdateStatus(ctx, viewer(ctx), id, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[reports.Report]
	switch {
	case err == nil:
		msg := "Report about " + saved.AgencyName + " is now " + strings.ToLower(saved.Status.Label()) + "."
		return s.redirectWithFlash(w, r, "/admin/reports", savedMessage(msg, version, saved.Version))
	case errors.As(err, &invalid):
		rep, err := s.reports.Report(ctx, viewer(ctx), id)
		if err != nil {
			return err
		}
		page := templates.AdminReportPage{Report: rep, Form: in, Version: version, Original: f.Get("original"),
			Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminReport(s.base(r), page))
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := reports.StatusForm().Resolve(f.Get("original"), now.Input(), in)
		c.SavedBy, c.SavedAt = conflict.SavedBy, conflict.SavedAt
		page := templates.AdminReportPage{Report: now, Form: merged, Version: now.Version, Original: edit.Original(now.Input()),
			Conflict: c}
		return s.render(w, r, http.StatusConflict, templates.AdminReport(s.base(r), page))
	default:
		return err
	}
}
