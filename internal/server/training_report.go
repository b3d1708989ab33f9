package server

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"

	"dadirectory/internal/training"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// The admin's training report (a page and a CSV download) and the list of organisations
// allowed to provide training.

// reportFilter reads the report's dates and filters from the query.
func (s *Server) reportFilter(r *http.Request) (training.ReportFilter, training.ReportForm, []templates.FieldError, error) {
	q := r.URL.Query()
	validate.JoinDate(q, "from")
	validate.JoinDate(q, "to")
	f, form, errs := training.ParseReportFilter(q, time.Now())
	return f, form, templates.FieldErrors(errs), nil
}

// trainingReport is the report page's data; filters it cannot read (or a course or programme
// that names nothing) come back as field errors and no figures.
func (s *Server) trainingReport(r *http.Request) (templates.TrainingReportPage, error) {
	v := viewer(r.Context())
	f, form, errs, err := s.reportFilter(r)
	if err != nil {
		return templates.TrainingReportPage{}, err
	}
	opts, err := s.training.ReportOptions(r.Context(), v)
	if err != nil {
		return templates.TrainingReportPage{}, err
	}
	page := templates.TrainingReportPage{Form: form, Options: opts, Errors: errs}
	if len(errs) > 0 {
		return page, nil
	}
	page.Report, err = s.training.Report(r.Context(), v, f, s.base(r).Site.CouncilName)
	var verrs validate.Errors
	if errors.As(err, &verrs) {
		page.Errors = templates.FieldErrors(verrs)
		return page, nil
	}
	return page, err
}

// handleTrainingReport shows the report; filters it cannot read get 400 with the form as typed
// and a message by each field.
func (s *Server) handleTrainingReport(w http.ResponseWriter, r *http.Request) error {
	page, err := s.trainingReport(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(page.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, templates.TrainingReport(s.base(r), page))
}

// handleTrainingReportCSV downloads the report's figures. The file name is built from the
// dates only, and every cell is safe to open in a spreadsheet (see training.Report.WriteCSV).
func (s *Server) handleTrainingReportCSV(w http.ResponseWriter, r *http.Request) error {
	page, err := s.trainingReport(r)
	if err != nil {
		return err
	}
	if len(page.Errors) > 0 {
		return s.render(w, r, http.StatusBadRequest, templates.TrainingReport(s.base(r), page))
	}
	course := ""
	for _, c := range page.Options.Courses {
		if c.Value == page.Form.Course {
			course = c.Label
		}
	}
	rep := page.Report
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf, course); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+rep.Filename()+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, err = w.Write(buf.Bytes())
	}
	return err
}

func (s *Server) handleTrainingProviders(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.training.ProviderRows(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	page := templates.TrainingProvidersPage{Rows: rows, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.TrainingProviders(s.base(r), page))
}

// handleTrainingProviderSet allows (allowed=1) or stops (allowed=0) an organisation managing
// its own courses. Anything else is not a form this site sent.
func (s *Server) handleTrainingProviderSet(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	slug, allowed := r.PostForm.Get("provider"), r.PostForm.Get("allowed")
	if slug == "" || (allowed != "0" && allowed != "1") {
		return badForm(errors.New("provider and allowed are required"))
	}
	changed, err := s.training.SetProvider(r.Context(), viewer(r.Context()), slug, allowed == "1")
	if err != nil {
		return err
	}
	msg := "Nothing changed."
	switch {
	case changed && allowed == "1":
		msg = "Allowed: the organisation's RSL officers can now manage its courses."
	case changed:
		msg = "Stopped: the organisation's RSL officers can no longer manage its courses."
	}
	return s.redirectWithFlash(w, r, "/admin/training/providers", msg)
}
