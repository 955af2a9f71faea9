"""Why a job waits or failed, in a sentence for the clerk.

The queue stores a code (and the printer's own words as detail, for IT); the
sentence is made when shown, in the language of the moment.
"""

from __future__ import annotations

from core.i18n import _


def describe(code: str, printer: str) -> str:
    sentences = {
        "printer_missing": _(
            "Printer {printer} was not found on this workstation. The job waits and is "
            "retried; choose another printer to print it now."
        ),
        "printer_stopped": _(
            "Printer {printer} is paused or offline. The job waits and is sent when it is "
            "back; choose another printer to print it now."
        ),
        "printer_rejecting": _(
            "Printer {printer} is not accepting jobs. The job waits and is retried; choose "
            "another printer to print it now."
        ),
        "held": _(
            "Printer {printer} is paused: the job waits in the printer's queue and prints "
            "when it is resumed, or choose another printer."
        ),
        "service_down": _(
            "The printing service (CUPS) is not running on this workstation. The job waits; "
            "ask IT to start it, or save the document as PDF."
        ),
        "no_cups": _(
            "This workstation has no printing service (CUPS). The job waits; save the "
            "document as PDF or ask IT to install a printer."
        ),
        "refused": _(
            "Printer {printer} refused the job. Retry, or choose another printer; IT can "
            "see the printer's message in the log."
        ),
        "folder_unavailable": _(
            "The folder {printer} cannot be written to now. The job waits and is retried; "
            "choose another printer to print it now."
        ),
        "lost": _(
            "The printing service no longer knows this job. Check whether it was printed; "
            "retry if it was not."
        ),
        "spool_missing": _(
            "The document of this job is gone from the print queue. Print it again from "
            "where it was made."
        ),
        "cancelled": _("Cancelled."),
    }
    sentence = sentences.get(code)
    if sentence is None:
        return code
    return sentence.format(printer=printer)


def state_label(state: str) -> str:
    labels = {
        "queued": _("Queued"),
        "sent": _("Sent"),
        "printing": _("Printing"),
        "done": _("Done"),
        "failed": _("Failed"),
        "held": _("Held"),
    }
    return labels.get(state, state)
