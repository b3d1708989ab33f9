package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// handleAdminAudit lists the audit trail, filtered by person, organisation and dates. Filters
// it cannot use get 400 with the form as typed and a message by each field, never a 500.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	q := r.URL.Query()
	validate.JoinDate(q, "from") // the date inputs' boxes, as one value to show again
	validate.JoinDate(q, "to")
	page := templates.AuditPage{Form: templates.AuditForm{Actor: q.Get("actor"), Org: q.Get("org"), From: q.Get("from"), To: q.Get("to")}}
	f, errs := audit.ParseFilter(q)
	var err error
	if len(errs) == 0 {
		page.Result, err = s.audit.List(ctx, v, f)
		if errors.As(err, &errs) {
			err = nil
		}
	}
	// The route group refuses non-admins first; the store refusing them too (edit.ErrNotFound,
	// a 404) is the backstop.
	if err != nil {
		return err
	}
	if page.Choices, err = s.audit.FilterChoices(ctx, v, f); err != nil {
		return err
	}
	if len(errs) > 0 {
		page.Errors = auditFieldErrors(errs)
		return s.render(w, r, http.StatusBadRequest, templates.Audit(s.base(r), page))
	}
	if page.Result.Total > 0 && f.Page > page.Result.Pages {
		return edit.ErrNotFound
	}
	page.Revertible = map[int64]bool{}
	for _, e := range page.Result.Entries {
		page.Revertible[e.ID] = s.audit.CanRevert(e)
	}
	page.Flash = s.popFlash(r)
	return s.render(w, r, http.StatusOK, templates.Audit(s.base(r), page))
}

// auditFieldErrors links each problem to its field; the page number has no field of its own,
// so its message points at the form.
func auditFieldErrors(errs validate.Errors) []templates.FieldError {
	out := templates.FieldErrors(errs)
	for i := range out {
		if out[i].Field == "page" {
			out[i].Target = "audit-filters"
		}
	}
	return out
}
