package server

import "net/http"

// Placeholder handler: being written.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
