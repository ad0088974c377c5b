"""The learning report: a plan's owner sees kept vs booked time and the answers' aggregates
(`learning_report`), a person their own learning (`my_learning`)."""
