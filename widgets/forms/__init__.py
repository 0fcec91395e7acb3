"""Forms built from the instrument: a widget per item type (``fields``, by the item-type
table's widget kind), a form view that lays a form's sections out and collects its
answers (``form_view``), and the checks shown beside a field (``validation``).
"""
