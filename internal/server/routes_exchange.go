package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/openreferral/exchange"
)

// exchangeRoutes registers the admin's Open Referral (HSDS) export and import. The import
// takes a file as large as exchange.MaxFile; its confirmation applies the file kept since
// the dry run. Applying waits for the index, like every admin save.
func (s *Server) exchangeRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin), s.readYourWrites)
		r.Get("/admin/export", s.handle(s.handleAdminExport))
		r.Get("/admin/export/hsds.zip", s.handle(s.handleAdminExportFile(exchange.ZipFormat)))
		r.Get("/admin/export/hsds.json", s.handle(s.handleAdminExportFile(exchange.JSONFormat)))
		r.Get("/admin/import", s.handle(s.handleAdminImport))
		r.Post("/admin/import", s.handle(s.handleAdminImportPreview))
		r.Post("/admin/import/apply", s.handle(s.handleAdminImportApply))
	})
	s.allowBody(http.MethodPost, "/admin/import", exchange.MaxFile+maxFormBody)
}
