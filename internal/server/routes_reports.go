package server

import (
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// reportRoutes registers "report a problem": the form on every agency page, for everyone who
// may see the agency (the reports store checks that in SQL), and the admins' list of reports.
func (s *Server) reportRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Get("/agencies/{slug}/report", s.handle(s.handleReportForm))
		r.Post("/agencies/{slug}/report", s.handle(s.handleReportSubmit))
		r.Get("/agencies/{slug}/report/sent", s.handle(s.handleReportSent))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		r.Get("/admin/reports", s.handle(s.handleAdminReports))
		r.Get("/admin/reports/{id}", s.handle(s.handleAdminReport))
		r.Post("/admin/reports/{id}", s.handle(s.handleAdminReportUpdate))
	})
}
