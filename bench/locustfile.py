"""The load test's users (locust): a realistic mix of who uses the app and what they open.

Run through ``bench/load.py``, which starts gunicorn on the national data set and prints the
figures; not a test. Each simulated person logs in through the login form with a demo account
of the national data set and then, with one to three seconds between clicks, opens what that
role opens in a reporting week:

* a national body (bonoivu): national rankings of provinces, districts and communes, sorted and
  paged, with the CSV now and then;
* a provincial office (tinh, Sóc Trăng): its ranking of districts and communes, dashboards,
  completeness, the summary workbook and CSV, the PAR ranking;
* a commune clerk (xa, Xã An Mỹ): inbox, its report and history, its dashboard, the template.
"""

import random
import re

from locust import HttpUser, between, task

OLD, NEW = "2008", "2025"
OLD_QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
NEW_QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
KPIS = ["on_time_rate", "late_rate", "online_rate", "received"]
SORTS = ["", "unit", "-on_time_rate", "online_rate"]
SOC_TRANG_COMMUNES = ["31564", "31552", "31555", "31558", "31507", "31510"]
SOC_TRANG_DISTRICTS = ["941", "942", "943", "944", "945", "946"]
PROVINCES = ["38", "01", "79", "94", "92", "48", "31", "26"]


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        page = self.client.get("/dang-nhap/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post("/dang-nhap/", name="log in", allow_redirects=False, data={
            "csrfmiddlewaretoken": token, "username": self.username, "password": "demo1234"},
            headers={"Referer": self.host + "/dang-nhap/"})
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in: {response.status_code}")


class NationalBody(Person):
    weight = 2
    username = "bonoivu"

    @task(6)
    def national_ranking(self):
        quarter = random.choice(NEW_QUARTERS)
        level = random.choice([1, 1, 3, 3])
        params = {"level": level, "kpi": random.choice(KPIS)}
        if sort := random.choice(SORTS):
            params["sort"] = sort
        if level == 3 and random.random() < 0.3:
            params["page"] = random.randint(2, 60)
        self.client.get(f"/xep-hang/{NEW}/toan-quoc/{quarter}/", params=params,
                        name="national ranking (2025 list)")

    @task(2)
    def national_districts_before_the_reform(self):
        self.client.get(f"/xep-hang/{OLD}/toan-quoc/{random.choice(OLD_QUARTERS)}/",
                        params={"level": 2}, name="national ranking of districts (2008 list)")

    @task(1)
    def national_csv(self):
        self.client.get(f"/xep-hang/{NEW}/toan-quoc/{random.choice(NEW_QUARTERS)}/csv/",
                        params={"level": 1}, name="national CSV")

    @task(2)
    def province_dashboard(self):
        self.client.get(f"/tong-hop/{OLD}/{random.choice(PROVINCES)}/"
                        f"{random.choice(OLD_QUARTERS)}/", name="dashboard (province)")


class ProvincialOffice(Person):
    weight = 3
    username = "tinh"

    @task(5)
    def ranking(self):
        params = {"kpi": random.choice(KPIS)}
        if random.random() < 0.5:
            params["level"] = 3
        if sort := random.choice(SORTS):
            params["sort"] = sort
        self.client.get(f"/xep-hang/{OLD}/94/{random.choice(OLD_QUARTERS)}/", params=params,
                        name="province ranking")

    @task(3)
    def dashboard(self):
        code = random.choice(SOC_TRANG_DISTRICTS + SOC_TRANG_COMMUNES + ["94"])
        self.client.get(f"/tong-hop/{OLD}/{code}/{random.choice(OLD_QUARTERS)}/",
                        name="dashboard (district or commune)")

    @task(2)
    def completeness(self):
        self.client.get(f"/bao-cao/{OLD}/94/tinh-hinh-nop/{random.choice(OLD_QUARTERS)}/",
                        name="completeness")

    @task(1)
    def summary_workbook(self):
        self.client.get(f"/xep-hang/{OLD}/94/{random.choice(OLD_QUARTERS)}/excel/",
                        params={"level": 3}, name="summary workbook (xlsx)")

    @task(1)
    def summary_csv(self):
        self.client.get(f"/xep-hang/{OLD}/94/{random.choice(OLD_QUARTERS)}/csv/",
                        name="summary CSV")

    @task(1)
    def par_ranking(self):
        self.client.get(f"/chi-so-cchc/{OLD}/94/2024/", name="PAR ranking")


class CommuneClerk(Person):
    weight = 5
    username = "xa"

    @task(3)
    def inbox(self):
        self.client.get("/bao-cao/", name="inbox")

    @task(3)
    def report(self):
        self.client.get(f"/bao-cao/{OLD}/31564/{random.choice(OLD_QUARTERS)}/",
                        name="report form")

    @task(1)
    def history(self):
        self.client.get(f"/bao-cao/{OLD}/31564/{random.choice(OLD_QUARTERS)}/lich-su/",
                        name="report history")

    @task(2)
    def dashboard(self):
        self.client.get(f"/tong-hop/{OLD}/31564/{random.choice(OLD_QUARTERS)}/",
                        name="dashboard (own commune)")

    @task(1)
    def template(self):
        self.client.get(f"/bao-cao/{OLD}/31564/{random.choice(OLD_QUARTERS)}/mau-excel/",
                        name="Excel template")

    @task(1)
    def units(self):
        self.client.get("/don-vi/", params={"q": random.choice(["an my", "ke sach", "soc"])},
                        name="unit search")
