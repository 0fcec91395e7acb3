"""Made-up engagements for trainers and analysts: the program generator (``demo``,
``demo_engagement``, ``sample_answers`` with per-item texts in YAML), the samples a
training page loads (``samples``), and the guided tour (``walkthrough``).
"""
