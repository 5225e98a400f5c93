package api

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"outbound/service"
)

// The JSON endpoints: each decodes, calls the service once and returns its answer.

func (s *Server) getRules(*gin.Context) (any, error) { return s.Service.Rules(), nil }

func (s *Server) getNotice(c *gin.Context) (any, error) { return s.Service.Notice(c.Request.Context()) }

func (s *Server) putNotice(c *gin.Context) (any, error) {
	in, err := body[service.NoticeInput](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveNotice(c.Request.Context(), caller(c), in)
}

func (s *Server) getOpinionPhrases(c *gin.Context) (any, error) {
	return s.Service.OpinionPhrases(c.Request.Context())
}

func (s *Server) putOpinionPhrases(c *gin.Context) (any, error) {
	in, err := body[service.OpinionPhrases](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SetOpinionPhrases(c.Request.Context(), caller(c), in)
}

func (s *Server) getProfile(c *gin.Context) (any, error) {
	return s.Service.Profile(c.Request.Context(), caller(c))
}

func (s *Server) putProfile(c *gin.Context) (any, error) {
	in, err := body[service.ProfileInput](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveProfile(c.Request.Context(), caller(c), in)
}

// saveLearning adds a row of 学习经历, or changes the one of the path.
func (s *Server) saveLearning(c *gin.Context) (any, error) {
	id, err := optionalID(c, "eid")
	if err != nil {
		return nil, err
	}
	in, err := body[service.LearningExperience](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveLearningExperience(c.Request.Context(), caller(c), id, in)
}

func (s *Server) deleteLearning(c *gin.Context) (any, error) {
	id, err := pathID(c, "eid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.DeleteLearningExperience(c.Request.Context(), caller(c), id)
}

func (s *Server) listProjects(c *gin.Context) (any, error) {
	year, _ := strconv.Atoi(c.Query("year"))
	return s.Service.Projects(c.Request.Context(), caller(c), service.ProjectFilter{Query: c.Query("q"), Year: year,
		Country: c.Query("country"), Category: c.Query("category"), OpenNow: c.Query("open") == "true", Paging: paging(c)})
}

func (s *Server) getProject(c *gin.Context) (any, error) {
	id, err := pathID(c, "pid")
	if err != nil {
		return nil, err
	}
	return s.Service.Project(c.Request.Context(), caller(c), id)
}

// saveProject creates a project, or changes the one of the path.
func (s *Server) saveProject(c *gin.Context) (any, error) {
	id, err := optionalID(c, "pid")
	if err != nil {
		return nil, err
	}
	in, err := body[service.ProjectInput](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveProject(c.Request.Context(), caller(c), id, in)
}

func (s *Server) publishProject(published bool) handler {
	return func(c *gin.Context) (any, error) {
		id, err := pathID(c, "pid")
		if err != nil {
			return nil, err
		}
		return s.Service.Publish(c.Request.Context(), caller(c), id, published)
	}
}

func (s *Server) copyProject(c *gin.Context) (any, error) {
	id, in, err := idAndBody[struct {
		Year int `json:"year"`
	}](c, "pid")
	if err != nil {
		return nil, err
	}
	return s.Service.CopyProject(c.Request.Context(), caller(c), id, in.Year)
}

func (s *Server) listColleges(c *gin.Context) (any, error) {
	colleges, err := s.Service.Colleges(c.Request.Context())
	return map[string]any{"items": colleges}, err
}

func (s *Server) createApplication(c *gin.Context) (any, error) {
	in, err := body[service.NewApplication](c)
	if err != nil {
		return nil, err
	}
	return s.Service.CreateApplication(c.Request.Context(), caller(c), in)
}

func (s *Server) listApplications(c *gin.Context) (any, error) {
	return s.Service.Applications(c.Request.Context(), caller(c), listFilter(c))
}

func (s *Server) getApplication(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.Detail(c.Request.Context(), caller(c), id)
}

func (s *Server) nextStep(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.Next(c.Request.Context(), caller(c), id)
}

func (s *Server) putBasicInfo(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.FormInput](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveBasicInfo(c.Request.Context(), caller(c), id, in)
}

func (s *Server) putApplyInfo(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.FormInput](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveApplyInfo(c.Request.Context(), caller(c), id, in)
}

func (s *Server) putTravelInfo(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.FormInput](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveTravelInfo(c.Request.Context(), caller(c), id, in)
}

// saveLanguageScore adds a row of 外语水平, or changes the one of the path.
func (s *Server) saveLanguageScore(c *gin.Context) (any, error) {
	row, err := optionalID(c, "sid")
	if err != nil {
		return nil, err
	}
	id, in, err := idAndBody[service.LanguageScore](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveLanguageScore(c.Request.Context(), caller(c), id, row, in)
}

func (s *Server) deleteLanguageScore(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	row, err := pathID(c, "sid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.DeleteLanguageScore(c.Request.Context(), caller(c), id, row)
}

// saveAward adds a row of 获奖情况, or changes the one of the path.
func (s *Server) saveAward(c *gin.Context) (any, error) {
	row, err := optionalID(c, "wid")
	if err != nil {
		return nil, err
	}
	id, in, err := idAndBody[service.Award](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveAward(c.Request.Context(), caller(c), id, row, in)
}

func (s *Server) deleteAward(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	row, err := pathID(c, "wid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.DeleteAward(c.Request.Context(), caller(c), id, row)
}

// message is the endpoint of a student's message without a body.
func (s *Server) message(name string) handler {
	return func(c *gin.Context) (any, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return nil, err
		}
		return messageAnswer(s.Service.Message(c.Request.Context(), caller(c), id, name, idempotencyKey(c), reply(c)))
	}
}

// reply honours "Prefer: return=minimal" (RFC 7240) on a message: the answer is 204 with no body.
func reply(c *gin.Context) service.Reply {
	for _, p := range c.Request.Header.Values("Prefer") {
		for _, token := range strings.Split(p, ",") {
			if strings.EqualFold(strings.TrimSpace(token), "return=minimal") {
				c.Header("Preference-Applied", "return=minimal")
				return service.Minimal
			}
		}
	}
	return service.WithDetail
}

// messageAnswer is a message's answer: the application, or no content when the caller preferred it.
func messageAnswer(detail *service.ApplicationDetail, err error) (any, error) {
	if err == nil && detail == nil {
		return emptyAnswer{}, nil
	}
	return detail, err
}

func (s *Server) giveUp(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.GiveUp](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.GiveUpAdmission(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) decide(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.Decision](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.Decide(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) reviewQueue(c *gin.Context) (any, error) {
	return s.Service.ReviewQueue(c.Request.Context(), caller(c), listFilter(c))
}

func (s *Server) batchApprove(c *gin.Context) (any, error) {
	in, err := body[service.BatchApproval](c)
	if err != nil {
		return nil, err
	}
	return s.Service.BatchApprove(c.Request.Context(), caller(c), in)
}

func (s *Server) dashboard(c *gin.Context) (any, error) {
	return s.Service.Dashboard(c.Request.Context())
}

func (s *Server) listAccounts(c *gin.Context) (any, error) {
	return s.Service.Accounts(c.Request.Context(), service.AccountFilter{Role: c.Query("role"), Query: c.Query("q"), Paging: paging(c)})
}

func (s *Server) createAccount(c *gin.Context) (any, error) {
	in, err := body[service.AccountInput](c)
	if err != nil {
		return nil, err
	}
	return s.Service.CreateAccount(c.Request.Context(), caller(c), in)
}

func (s *Server) updateAccount(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.AccountInput](c, "aid")
	if err != nil {
		return nil, err
	}
	return s.Service.UpdateAccount(c.Request.Context(), caller(c), id, in)
}

func (s *Server) resetPassword(c *gin.Context) (any, error) {
	id, in, err := idAndBody[struct {
		Password string `json:"password"`
	}](c, "aid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.ResetPassword(c.Request.Context(), caller(c), id, in.Password)
}

func (s *Server) auditLog(c *gin.Context) (any, error) {
	return s.Service.AuditLog(c.Request.Context(), service.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"),
		TargetType: c.Query("targetType"), TargetID: c.Query("targetId"), From: c.Query("from"), To: c.Query("to"), Paging: paging(c)})
}

func (s *Server) listNotifications(c *gin.Context) (any, error) {
	return s.Service.Notifications(c.Request.Context(), caller(c))
}

func (s *Server) unreadCount(c *gin.Context) (any, error) {
	return s.Service.UnreadCount(c.Request.Context(), caller(c))
}

func (s *Server) readAllNotifications(c *gin.Context) (any, error) {
	return s.Service.ReadAllNotifications(c.Request.Context(), caller(c))
}

func (s *Server) readNotification(c *gin.Context) (any, error) {
	id, err := pathID(c, "nid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.ReadNotification(c.Request.Context(), caller(c), id)
}
