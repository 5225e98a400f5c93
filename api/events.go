package api

import (
	"github.com/gin-gonic/gin"

	"outbound/service"
)

// Events for campus systems: the endpoints an administrator registers and their deliveries.

func (s *Server) eventEndpoints(c *gin.Context) (any, error) {
	return s.Service.EventEndpoints(c.Request.Context())
}

func (s *Server) saveEventEndpoint(c *gin.Context) (any, error) {
	id, err := optionalID(c, "eid")
	if err != nil {
		return nil, err
	}
	var in service.EventEndpointInput
	if err := bindJSON(c, &in); err != nil {
		return nil, err
	}
	if id == 0 {
		return s.Service.CreateEventEndpoint(c.Request.Context(), caller(c), in)
	}
	return s.Service.UpdateEventEndpoint(c.Request.Context(), caller(c), id, in)
}

func (s *Server) rotateEventSecret(c *gin.Context) (any, error) {
	id, err := pathID(c, "eid")
	if err != nil {
		return nil, err
	}
	return s.Service.RotateEventSecret(c.Request.Context(), caller(c), id)
}

func (s *Server) eventDeliveries(c *gin.Context) (any, error) {
	id, err := pathID(c, "eid")
	if err != nil {
		return nil, err
	}
	return s.Service.Deliveries(c.Request.Context(), id, c.Query("failed") == "true")
}

func (s *Server) redeliverEvents(c *gin.Context) (any, error) {
	id, err := pathID(c, "eid")
	if err != nil {
		return nil, err
	}
	var in struct {
		EventID int64 `json:"eventId"`
	}
	if err := bindJSON(c, &in); err != nil {
		return nil, err
	}
	return s.Service.Redeliver(c.Request.Context(), caller(c), id, in.EventID)
}
