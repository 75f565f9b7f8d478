"""placeholder"""
def send_monthly_report(now=None):
    return 0
