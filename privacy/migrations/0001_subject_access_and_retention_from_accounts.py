"""The privacy app takes over subject access and retention from accounts.

The models keep their tables (`Meta.db_table`): this migration only tells Django's state that
they now belong to privacy (accounts migration 0008 removes them from accounts' state), so no
row moves and the audit-erasure function (accounts migration 0006), which reads
`accounts_retentionreview` and `accounts_retentionpolicy`, needs no change.

It also moves the models' content types (their admin permissions and log entries go with them),
and points the daily retention scan's beat entry at the task's new name.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["retentionpolicy", "retentionreview", "subjectaccessrequest", "saritem"]

# As accounts migration 0004 installed them (a copy: migrations never import live code).
DEFAULT_POLICIES = [
    ("case", 6, "Six years after the case closed."),
    ("victim", 6, "Six years after support closed."),
    ("meeting", 6, "Six years after the meeting: minutes, research, actions and packs."),
    ("incident", 6, "Six years after the incident."),
    ("audit", 2, "Two years after the event; deleted only on the DPO's confirmation."),
]
RETENTION_TASK = "Daily retention review scan"
TASK = "privacy.tasks.retention_scan"
OLD_TASK = "accounts.tasks.retention_scan"


def _move_content_types(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def install(apps, schema_editor=None):
    """The default policies and the daily scan's schedule under its new task name (idempotent;
    tests reinstall them after a flush)."""
    Policy = apps.get_model("privacy", "RetentionPolicy")
    for record_type, years, notes in DEFAULT_POLICIES:
        Policy.objects.get_or_create(record_type=record_type, defaults={"years": years, "notes": notes})
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    five_am, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    task, created = PeriodicTask.objects.get_or_create(
        name=RETENTION_TASK,
        defaults={
            "task": TASK,
            "crontab": five_am,
            "description": "Opens a retention review for every record past its retention period. Erases nothing.",
        },
    )
    if not created and task.task == OLD_TASK:
        # An admin may have moved the schedule: only the task's name changes.
        task.task = TASK
        task.save(update_fields=["task"])


def forwards(apps, schema_editor):
    _move_content_types(apps, "accounts", "privacy")
    install(apps, schema_editor)


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RETENTION_TASK, task=TASK).update(
        task=OLD_TASK
    )
    _move_content_types(apps, "privacy", "accounts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0007_sar_exemptions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RetentionPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('record_type', models.CharField(choices=[('case', 'Closed perpetrator case'), ('victim', 'Victim-survivor record'), ('meeting', 'Panel minutes and packs'), ('incident', 'Incident'), ('audit', 'Audit events (one month)')], max_length=20, unique=True)),
                        ('years', models.PositiveSmallIntegerField(help_text='Counted from the anchor date below; 1 to 100 years.', verbose_name='Years kept')),
                        ('active', models.BooleanField(default=True, help_text='When off, the retention scan opens no new reviews for this record type.')),
                        ('notes', models.TextField(blank=True, help_text='Why this period (the schedule it comes from).')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name_plural': 'retention policies',
                        'db_table': 'accounts_retentionpolicy',
                        'ordering': ['record_type'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('years__gte', 1), ('years__lte', 100)), name='retention_years_range')],
                    },
                ),
                migrations.CreateModel(
                    name='SubjectAccessRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subject_type', models.CharField(choices=[('perpetrator', 'Perpetrator'), ('victim', 'Victim-survivor')], max_length=20)),
                        ('subject_id', models.PositiveIntegerField()),
                        ('subject_reference', models.CharField(max_length=40)),
                        ('received_on', models.DateField(default=django.utils.timezone.localdate)),
                        ('due_on', models.DateField()),
                        ('notes', models.TextField(blank=True)),
                        ('status', models.CharField(choices=[('in_review', 'In review'), ('exported', 'Exported')], default='in_review', max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('gathered_at', models.DateTimeField(blank=True, null=True)),
                        ('last_exported_at', models.DateTimeField(blank=True, null=True)),
                        ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.area')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'subject access request',
                        'db_table': 'accounts_subjectaccessrequest',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SarItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveIntegerField(default=0)),
                        ('section', models.CharField(help_text='A heading the subject reads, e.g. About you', max_length=120)),
                        ('title', models.CharField(max_length=200)),
                        ('source_type', models.CharField(max_length=60)),
                        ('source_id', models.CharField(max_length=64)),
                        ('data', models.JSONField(default=list, help_text='[label, value] pairs in words, in reading order, as gathered')),
                        ('exemption', models.CharField(blank=True, choices=[('crime_taxation', 'Crime and taxation'), ('serious_harm', 'Serious harm'), ('third_party', 'Information about other people'), ('legal_privilege', 'Legal professional privilege')], max_length=30)),
                        ('exemption_note', models.CharField(blank=True, help_text='Why this kind of item falls under the exemption (for the reviewer)', max_length=200)),
                        ('decision', models.CharField(blank=True, choices=[('disclose', 'Disclose'), ('withhold', 'Keep withheld')], max_length=20)),
                        ('decision_reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sar', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='privacy.subjectaccessrequest')),
                    ],
                    options={
                        'db_table': 'accounts_saritem',
                        'ordering': ['sar', 'order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='RetentionReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('record_type', models.CharField(choices=[('case', 'Closed perpetrator case'), ('victim', 'Victim-survivor record'), ('meeting', 'Panel minutes and packs'), ('incident', 'Incident'), ('audit', 'Audit events (one month)')], max_length=20)),
                        ('object_id', models.CharField(help_text='Primary key, or YYYY-MM for audit months', max_length=64)),
                        ('reference', models.CharField(help_text='A non-identifying reference, e.g. TL-000042', max_length=60)),
                        ('anchor_date', models.DateField(help_text='The date the retention period runs from')),
                        ('due_on', models.DateField()),
                        ('status', models.CharField(choices=[('pending', 'Awaiting decision'), ('extended', 'Kept longer'), ('erased', 'Personal data erased')], default='pending', max_length=20)),
                        ('reason', models.TextField(blank=True, help_text='Why it is kept longer')),
                        ('extended_until', models.DateField(blank=True, null=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('summary', models.JSONField(blank=True, default=dict, help_text='Counts of what was erased')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.area')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.team')),
                    ],
                    options={
                        'db_table': 'accounts_retentionreview',
                        'ordering': ['due_on', 'id'],
                        'indexes': [models.Index(fields=['status', 'due_on'], name='retention_status_due_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('record_type', 'object_id'), name='retention_one_open_review'), models.UniqueConstraint(condition=models.Q(('status', 'erased')), fields=('record_type', 'object_id'), name='retention_erased_once'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'extended'), _negated=True), models.Q(models.Q(('reason', ''), _negated=True), ('extended_until__isnull', False)), _connector='OR'), name='retention_extension_has_reason_and_date')],
                    },
                ),
                migrations.AddIndex(
                    model_name='subjectaccessrequest',
                    index=models.Index(fields=['area', '-created_at'], name='sar_area_idx'),
                ),
                migrations.AddConstraint(
                    model_name='saritem',
                    constraint=models.CheckConstraint(condition=models.Q(('decision', ''), models.Q(models.Q(('decision_reason', ''), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='sar_item_decision_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='saritem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'withhold'), _negated=True), models.Q(('exemption', ''), _negated=True), _connector='OR'), name='sar_item_withheld_names_exemption'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
