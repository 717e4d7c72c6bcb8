FROM centos:7 AS base
RUN yum install httpd mod_ssl
COPY epel.repo /etc/yum.repos.d/
RUN yum -y update && \
    yum install php php-mysqlnd
FROM base
COPY site/ /var/www/html/
USER apache
CMD ["httpd", "-DFOREGROUND"]
