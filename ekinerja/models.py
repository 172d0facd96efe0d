"""Imports every model module so that the metadata (and Alembic) sees the whole schema."""
from ekinerja.audit.models import AuditEntry  # noqa: F401
from ekinerja.auth.models import ApiToken, LoginAttempt, User, UserRole  # noqa: F401
from ekinerja.org.models import Employee, Opd, Position, PositionHolding, Province, Unit  # noqa: F401
from ekinerja.bsc.models import Indicator, MonthlyTarget, Objective, Realisation, Scorecard  # noqa: F401
from ekinerja.realisations.models import Evidence, Notification, PeriodLock, PeriodReopening, PeriodSetting  # noqa: F401
from ekinerja.contracts.models import Agreement, AgreementVersion, PkProgramme, PkTarget  # noqa: F401
from ekinerja.a3.models import A3Action, A3Attention, A3Attitude  # noqa: F401
from ekinerja.contracts import guard  # noqa: F401,E402  (signed agreements never change)
from ekinerja.public.models import Holiday, InformationRequest, Objection, PpidCounter  # noqa: F401,E402
from ekinerja.public.dip_models import PeriodicReport  # noqa: F401,E402
